package dev.forkline.runners.flink;

import dev.forkline.pipelines.run.ClusterRunner;
import dev.forkline.pipelines.run.Runners;
import java.lang.reflect.Field;
import org.apache.beam.runners.flink.FlinkDetachedRunnerResult;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.flink.core.execution.JobClient;

/**
 * {@code --runner flink}: Beam's Flink runner, on an embedded mini-cluster ({@code [local]}, the
 * default) or a running cluster ({@code --flink-master HOST:PORT}).
 *
 * <p>The job is submitted detached, so {@code run()} returns at once and progress works as on the
 * Direct runner (the attached mode blocks in {@code run()} until the job ends). Beam's detached
 * result asks the cluster for everything, which fails once a mini-cluster has shut down with its
 * job; {@link FlinkJobResult} answers from the job's final result instead.
 */
public final class FlinkClusterRunner implements ClusterRunner {
  static final String LOCAL = "[local]";

  @Override
  public String name() {
    return Runners.FLINK;
  }

  @Override
  public PipelineOptions options(String jobName, String master) {
    FlinkPipelineOptions options = PipelineOptionsFactory.as(FlinkPipelineOptions.class);
    options.setRunner(FlinkRunner.class);
    options.setJobName(jobName);
    options.setFlinkMaster(master == null ? LOCAL : master);
    options.setStreaming(false);
    options.setAttachedMode(false);
    options.setJobCheckIntervalInSecs(1);
    // Chained operators pass elements without a defensive copy through the coder: forkline's
    // DoFns never change an element after output (Beam's rule, which the Direct runner checks).
    options.setFasterCopy(true);
    return options;
  }

  @Override
  public String describe(String master) {
    return master == null || master.equals(LOCAL)
        ? "Flink (embedded mini-cluster in this JVM)"
        : "Flink cluster at " + master;
  }

  @Override
  public PipelineResult track(PipelineResult result) {
    if (!(result instanceof FlinkDetachedRunnerResult)) {
      return result;
    }
    try {
      // Beam keeps the job client private; it is the only handle on the job's final result.
      Field field = FlinkDetachedRunnerResult.class.getDeclaredField("jobClient");
      field.setAccessible(true);
      return new FlinkJobResult((JobClient) field.get(result));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot follow the Flink job: this Beam version's FlinkDetachedRunnerResult has no"
              + " jobClient field",
          e);
    }
  }
}
