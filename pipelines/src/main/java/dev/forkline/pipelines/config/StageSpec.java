package dev.forkline.pipelines.config;

import dev.forkline.pipelines.exec.Executor;
import java.time.Duration;

/**
 * A stage a pipeline declares, with the defaults its config section starts from. Defaults suit a
 * small machine (2 cores): I/O stages keep many calls in flight, CPU stages one worker per core.
 * Only CPU stages ({@code cpu}) have a kernel that can run in a worker process.
 */
public record StageSpec(
    String name,
    String description,
    Executor executor,
    int threads,
    int workers,
    long heapBytes,
    Duration timeout,
    int retries,
    boolean cpu) {

  /** The config a stage gets when its section is absent. */
  public StageConfig defaults() {
    return new StageConfig(name, executor, threads, workers, heapBytes, timeout, retries, 0);
  }

  /** The executors this stage can run on: all three for a CPU stage, no processes for I/O. */
  public java.util.List<String> executorNames() {
    return cpu
        ? Executor.configNames()
        : java.util.List.of(Executor.THREADS.configName(), Executor.INLINE.configName());
  }
}
