package dev.forkline.pipelines.exec;

import com.google.auto.value.AutoValue;
import dev.forkline.workers.pool.PoolSpec;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * A process pool's settings, serializable: the pool's own {@link PoolSpec} is built where it runs.
 * Immutable (AutoValue); {@link ProcessPool}'s {@code withX} methods validate each value.
 */
@AutoValue
abstract class PoolSettings implements Serializable {
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
