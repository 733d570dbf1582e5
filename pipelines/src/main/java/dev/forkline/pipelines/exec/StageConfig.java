package dev.forkline.pipelines.exec;

import java.io.Serializable;
import java.time.Duration;

/**
 * The settings of one stage after defaults and overrides: which executor runs it and its knobs.
 * {@code threads} sizes the {@code threads} executor; {@code workers}, {@code heap} and {@code
 * max-tasks-per-worker} the process pool; {@code timeout} and {@code retries} apply to every
 * executor (for {@code processes}, retries are re-runs after a worker crashed, hung or ran out of
 * memory).
 */
public record StageConfig(
    String name,
    Executor executor,
    int threads,
    int workers,
    long heapBytes,
    Duration timeout,
    int retries,
    int maxTasksPerWorker)
    implements Serializable {

  /** How many elements this stage works on at once with its executor. */
  public int concurrency() {
    return switch (executor) {
      case THREADS -> threads;
      case PROCESSES -> workers;
      case INLINE -> 1;
    };
  }
}
