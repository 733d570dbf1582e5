package dev.forkline.runners.spark;

import dev.forkline.pipelines.run.ClusterRunner;
import dev.forkline.pipelines.run.Runners;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.beam.runners.spark.metrics.MetricsAccumulator;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * {@code --runner spark}: Beam's Spark 3 runner, on {@code local[N]} in this JVM (N = cores, the
 * default) or a cluster ({@code --spark-master URL}).
 *
 * <p>Spark's own settings come from {@code spark.*} system properties (Beam builds its {@code
 * SparkConf} from them), so {@code FORKLINE_JAVA_OPTS=-Dspark.executor.memory=4g} works. The web UI
 * is off unless {@code -Dspark.ui.enabled=true}: a batch run does not need a port. The runner
 * returns from {@code run()} at once and its metrics accumulator is live on the driver, so progress
 * works as on the Direct runner.
 */
public final class SparkClusterRunner implements ClusterRunner {

  @Override
  public String name() {
    return Runners.SPARK;
  }

  @Override
  public PipelineOptions options(String jobName, String master) {
    if (System.getProperty("spark.ui.enabled") == null) {
      System.setProperty("spark.ui.enabled", "false");
    }
    // Beam keeps one metrics accumulator per JVM, registered with the first SparkContext; the
    // next pipeline in the same JVM gets a new context, so start a fresh accumulator for it.
    MetricsAccumulator.clear();
    SparkPipelineOptions options = PipelineOptionsFactory.as(SparkPipelineOptions.class);
    options.setRunner(SparkRunner.class);
    options.setJobName(jobName);
    options.setAppName(jobName);
    options.setSparkMaster(master == null ? localMaster() : master);
    options.setStreaming(false);
    options.setEnableSparkMetricSinks(false);
    return options;
  }

  @Override
  public String describe(String master) {
    return master == null
        ? "Spark " + localMaster() + " (in this JVM)"
        : master.startsWith("local") ? "Spark " + master + " (in this JVM)" : "Spark at " + master;
  }

  static String localMaster() {
    return "local[" + Runtime.getRuntime().availableProcessors() + "]";
  }
}
