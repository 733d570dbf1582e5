package dev.forkline.runners.flink;

import dev.forkline.pipelines.run.RunnerParity;
import java.net.URI;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  /**
   * Where Beam zips the test classpath's class folders to stage them (a run from the launcher
   * stages jars as they are); the system's temp folder otherwise, where they were left behind.
   */
  @TempDir Path staging;

  @Test
  void imageSampleOnARunningClusterThroughItsRestEndpoint() throws Exception {
    String tmp = System.getProperty("java.io.tmpdir");
    System.setProperty("java.io.tmpdir", staging.toString());
    try {
      onARunningCluster();
    } finally {
      System.setProperty("java.io.tmpdir", tmp);
    }
  }

  private void onARunningCluster() throws Exception {
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
