package dev.forkline.pipelines.config;

import dev.forkline.pipelines.exec.CallSettings;
import dev.forkline.pipelines.exec.Executor;
import dev.forkline.pipelines.exec.PoolSettings;
import dev.forkline.pipelines.exec.Stage;
import dev.forkline.pipelines.exec.StageCall;
import dev.forkline.pipelines.exec.Tracked;
import java.io.Serializable;
import java.time.Duration;

/**
 * The settings of one stage after defaults and overrides: which executor runs it and its knobs.
 * {@code threads} sizes the {@code threads} executor; {@code workers}, {@code heap} and {@code
 * max-tasks-per-worker} the process pool; {@code timeout} and {@code retries} apply to every
 * executor (for {@code processes}, retries are re-runs after a worker crashed, hung or ran out of
 * memory). {@link #running} makes the stage a pipeline chains: the config layer maps settings to
 * the executors, which know nothing of configs.
 *
 * <pre>{@code
 * Stage<Item> read = config.stage("read").running(new ReadCall());
 * }</pre>
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

  /** The stage of this name running {@code call} on the configured executor with its knobs. */
  public <T extends Tracked<T>> Stage<T> running(StageCall<T> call) {
    Stage<T> stage = Stage.of(name, call);
    return executor == Executor.PROCESSES
        ? stage.onProcesses(poolSettings())
        : stage.withSettings(callSettings());
  }

  /** The settings of a stage on threads or inline. */
  public CallSettings callSettings() {
    if (executor == Executor.PROCESSES) {
      throw new IllegalStateException("stage " + name + " runs on processes: see poolSettings()");
    }
    CallSettings base = CallSettings.defaults().withTimeout(timeout).withRetries(retries);
    return executor == Executor.INLINE ? base.withInline(true) : base.withThreads(threads);
  }

  /** The worker pool's settings of a stage on processes. */
  public PoolSettings poolSettings() {
    return PoolSettings.defaults()
        .withWorkers(workers)
        .withHeap(heapBytes)
        .withMaxTasksPerWorker(maxTasksPerWorker)
        .withTimeout(timeout)
        .withRetries(retries);
  }
}
