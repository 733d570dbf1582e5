package dev.forkline.pipelines.config;

import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/**
 * What a pipeline checks of its config beyond the keys, such as a URL list's CSV header. Pipelines
 * register theirs through {@link ServiceLoader}, so the config layer depends on no pipeline.
 */
public interface PipelineChecks {
  /** The pipeline these checks are for. */
  PipelineType pipeline();

  /** What is wrong with one input as a whole, or null when it can be read. */
  default String inputProblem(Path input) {
    return null;
  }

  /** The table columns the pipeline writes itself: extract fields may not reuse their names. */
  default List<String> builtInColumns() {
    return List.of();
  }

  /** The checks registered for {@code pipeline}; none (every input fine) when there are none. */
  static PipelineChecks of(PipelineType pipeline) {
    for (PipelineChecks checks :
        ServiceLoader.load(PipelineChecks.class, PipelineChecks.class.getClassLoader())) {
      if (checks.pipeline() == pipeline) {
        return checks;
      }
    }
    return () -> pipeline;
  }
}
