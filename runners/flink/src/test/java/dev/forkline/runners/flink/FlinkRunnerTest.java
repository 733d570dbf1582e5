package dev.forkline.runners.flink;

import dev.forkline.pipelines.run.RunnerParity;
import java.net.URI;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.junit.jupiter.api.Test;

/** The sample configs on Flink: the same rows as on Direct. */
class FlinkRunnerTest extends RunnerParity {
  @Override
  protected String runner() {
    return "flink";
  }

  /**
   * {@code --flink-master HOST:PORT}: the job goes through a cluster's REST endpoint with its jars
   * staged, and the TaskManager loads forkline from them in a class loader of its own, so the
   * worker JVMs must start from those jars ({@code PoolSpec.defaultClasspath}).
   */
  @Test
  void imageSampleOnARunningClusterThroughItsRestEndpoint() throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_PORT, "0");
    try (MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build())) {
      cluster.start();
      URI rest = cluster.getRestAddress().get();
      assertImageSampleSameAsDirect("localhost:" + rest.getPort());
    }
  }
}
