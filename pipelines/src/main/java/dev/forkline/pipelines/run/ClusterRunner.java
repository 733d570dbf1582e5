package dev.forkline.pipelines.run;

import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * A Beam runner besides Direct that {@code forkline run --runner NAME} can use, found with {@link
 * java.util.ServiceLoader}. Implementations live in the runner modules ({@code runners/flink},
 * {@code runners/spark}), whose jars carry the engine; the Direct-only {@code forkline.jar} has
 * none, so {@link Runners#require} can say the runner is not built.
 */
public interface ClusterRunner {
  /** The name {@code --runner} takes: {@code flink}, {@code spark}. */
  String name();

  /**
   * The pipeline options of one run.
   *
   * @param jobName the job's name on the engine
   * @param master where to submit, already checked by {@link Runners#checkMaster}; null for the
   *     embedded default
   */
  PipelineOptions options(String jobName, String master);

  /** Where the job runs, for people: {@code "Flink mini-cluster in this JVM"}. */
  String describe(String master);

  /**
   * The result to wait on and read metrics from, in place of what {@code Pipeline.run()} returned:
   * for a runner whose own result stops answering once the job ended (a detached Flink job on a
   * mini-cluster that shut down with it).
   */
  default PipelineResult track(PipelineResult result) {
    return result;
  }
}
