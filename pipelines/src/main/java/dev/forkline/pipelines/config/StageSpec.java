package dev.forkline.pipelines.config;

import java.time.Duration;

/**
 * A stage a pipeline declares, with the defaults its config section starts from. Defaults suit a
 * small machine (2 cores): I/O stages keep many calls in flight, CPU stages one worker per core.
 */
public record StageSpec(
    String name,
    String description,
    Executor executor,
    int threads,
    int workers,
    long heapBytes,
    Duration timeout,
    int retries) {

  /** The config a stage gets when its section is absent. */
  public StageConfig defaults() {
    return new StageConfig(name, executor, threads, workers, heapBytes, timeout, retries);
  }
}
