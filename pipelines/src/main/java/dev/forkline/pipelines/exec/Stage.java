package dev.forkline.pipelines.exec;

import dev.forkline.pipelines.config.Executor;
import dev.forkline.pipelines.config.StageConfig;
import java.io.Serializable;

/**
 * One named stage of a pipeline: the per-element call and the executor settings from the config.
 * Stages run in a {@link StageChain}.
 *
 * <pre>{@code
 * Stage.of("read", new ReadCall()).withConfig(config.stage("read"))
 * }</pre>
 */
public final class Stage<T extends Tracked<T>> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final StageCall<T> call;
  private final StageConfig config;

  private Stage(String name, StageCall<T> call, StageConfig config) {
    this.name = name;
    this.call = call;
    this.config = config;
  }

  /** A stage running {@code call}; give it its settings with {@link #withConfig}. */
  public static <T extends Tracked<T>> Stage<T> of(String name, StageCall<T> call) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a stage needs a name");
    }
    if (call == null) {
      throw new IllegalArgumentException("stage " + name + " needs a call");
    }
    return new Stage<>(name, call, null);
  }

  /** The stage's executor and knobs from the config. */
  public Stage<T> withConfig(StageConfig config) {
    if (config == null || !config.name().equals(name)) {
      throw new IllegalArgumentException(
          "stage " + name + " got the config of " + (config == null ? "nothing" : config.name()));
    }
    return new Stage<>(name, call, config);
  }

  public String name() {
    return name;
  }

  StageCall<T> call() {
    return call;
  }

  /** The settings; null until {@link #withConfig} is called. */
  public StageConfig config() {
    return config;
  }

  /** The executor that runs a stage's calls: the configured one. */
  public static Executor effectiveExecutor(StageConfig config) {
    return config.executor();
  }
}
