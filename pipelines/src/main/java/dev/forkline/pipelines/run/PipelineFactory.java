package dev.forkline.pipelines.run;

import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.config.PipelineType;
import java.util.ServiceLoader;

/**
 * Makes the {@link PipelineDefinition} of one pipeline type from its config. Pipelines register
 * theirs through {@link ServiceLoader}, so the runner depends on no pipeline.
 */
public interface PipelineFactory {
  /** The pipeline this factory makes. */
  PipelineType pipeline();

  PipelineDefinition create(ForklineConfig config);

  /** The definition of the config's pipeline; fails clearly for one this build has not. */
  static PipelineDefinition definition(ForklineConfig config) {
    for (PipelineFactory factory :
        ServiceLoader.load(PipelineFactory.class, PipelineFactory.class.getClassLoader())) {
      if (factory.pipeline() == config.pipeline()) {
        return factory.create(config);
      }
    }
    throw new IllegalStateException(
        "this build of forkline has no pipeline "
            + config.pipeline().configName()
            + " (no PipelineFactory for it in META-INF/services)");
  }
}
