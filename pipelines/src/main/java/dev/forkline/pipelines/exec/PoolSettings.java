package dev.forkline.pipelines.exec;

import com.google.auto.value.AutoValue;
import dev.forkline.workers.pool.PoolSpec;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * A process pool's settings, serializable: the pool's own {@link PoolSpec} is built where it runs.
 * Immutable (AutoValue); each {@code withX} validates its value.
 */
@AutoValue
public abstract class PoolSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  abstract int workers();

  abstract long heapBytes();

  abstract List<String> jvmFlags();

  abstract int window();

  abstract int maxTasksPerWorker();

  abstract Duration taskTimeout();

  abstract int crashRetries();

  abstract int taskErrorRetries();

  abstract Builder toBuilder();

  static Builder builder() {
    return new AutoValue_PoolSettings.Builder()
        .setJvmFlags(List.of())
        .setWindow(ProcessPool.DEFAULT_WINDOW)
        .setMaxTasksPerWorker(0)
        .setTaskErrorRetries(0);
  }

  /** Defaults: a worker per core, 256 MB heaps, 60 s a task, two re-runs after a worker died. */
  public static PoolSettings defaults() {
    return builder()
        .setWorkers(Math.max(1, Runtime.getRuntime().availableProcessors()))
        .setHeapBytes(256L << 20)
        .setTaskTimeout(Duration.ofSeconds(60))
        .setCrashRetries(2)
        .build();
  }

  /** Worker JVMs in the pool, 1 to 256. */
  public PoolSettings withWorkers(int workers) {
    if (workers < 1 || workers > 256) {
      throw new IllegalArgumentException("workers must be 1 to 256, got " + workers);
    }
    return toBuilder().setWorkers(workers).build();
  }

  /** Each worker's maximum heap ({@code -Xmx}), at least 16 MB. */
  public PoolSettings withHeap(long bytes) {
    if (bytes < (16L << 20)) {
      throw new IllegalArgumentException(
          "a worker heap is at least 16 MB, got " + bytes + " bytes");
    }
    return toBuilder().setHeapBytes(bytes).build();
  }

  /** Extra flags for the worker JVMs. */
  public PoolSettings withJvmFlags(List<String> flags) {
    if (flags == null) {
      throw new IllegalArgumentException("JVM flags must be a list, got null");
    }
    return toBuilder().setJvmFlags(flags).build();
  }

  /** Tasks in flight per worker, 1 to 64. */
  public PoolSettings withWindow(int window) {
    if (window < 1 || window > 64) {
      throw new IllegalArgumentException("window must be 1 to 64, got " + window);
    }
    return toBuilder().setWindow(window).build();
  }

  /** Replace a worker after this many tasks; 0: never. */
  public PoolSettings withMaxTasksPerWorker(int tasks) {
    if (tasks < 0) {
      throw new IllegalArgumentException("max tasks per worker is 0 (never) or more: " + tasks);
    }
    return toBuilder().setMaxTasksPerWorker(tasks).build();
  }

  /** The deadline of one task on a worker; past it the worker is killed and replaced. */
  public PoolSettings withTimeout(Duration timeout) {
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    return toBuilder().setTaskTimeout(timeout).build();
  }

  /** Re-runs of a task whose worker crashed, hung or ran out of memory. */
  public PoolSettings withRetries(int retries) {
    if (retries < 0) {
      throw new IllegalArgumentException("retries must be 0 or more, got " + retries);
    }
    return toBuilder().setCrashRetries(retries).build();
  }

  /** Re-runs of a task whose kernel threw. */
  public PoolSettings withTaskErrorRetries(int retries) {
    if (retries < 0) {
      throw new IllegalArgumentException("retries must be 0 or more, got " + retries);
    }
    return toBuilder().setTaskErrorRetries(retries).build();
  }

  PoolSpec spec(String kernel) {
    return PoolSpec.builder(kernel)
        .withWorkers(workers())
        .withHeapBytes(heapBytes())
        .withJvmFlags(jvmFlags())
        .withWindow(window())
        .withMaxTasksPerWorker(maxTasksPerWorker())
        .withTaskTimeout(taskTimeout())
        .withCrashRetries(crashRetries())
        .withTaskErrorRetries(taskErrorRetries())
        .build();
  }

  /** Longest a task can take in the pool: every attempt to its deadline, plus worker starts. */
  Duration worstCase() {
    return taskTimeout().multipliedBy(crashRetries() + taskErrorRetries() + 1L).plusSeconds(60);
  }

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setWorkers(int workers);

    abstract Builder setHeapBytes(long heapBytes);

    abstract Builder setJvmFlags(List<String> jvmFlags);

    abstract Builder setWindow(int window);

    abstract Builder setMaxTasksPerWorker(int maxTasksPerWorker);

    abstract Builder setTaskTimeout(Duration taskTimeout);

    abstract Builder setCrashRetries(int crashRetries);

    abstract Builder setTaskErrorRetries(int taskErrorRetries);

    abstract List<String> jvmFlags();

    abstract PoolSettings autoBuild();

    PoolSettings build() {
      setJvmFlags(List.copyOf(jvmFlags()));
      return autoBuild();
    }
  }
}
