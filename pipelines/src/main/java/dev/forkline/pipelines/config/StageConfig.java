package dev.forkline.pipelines.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * The settings of one stage after defaults and overrides: which executor runs it and its knobs.
 * {@code threads} sizes the {@code threads} executor; {@code workers} and {@code heap} the process
 * pool; {@code timeout} and {@code retries} apply to every executor.
 */
public record StageConfig(
    String name,
    Executor executor,
    int threads,
    int workers,
    long heapBytes,
    Duration timeout,
    int retries)
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
