package dev.forkline.workers.pool;

/**
 * What a pool did since the last {@link WorkerPool#drainCounters}, plus two current levels.
 *
 * @param workerStarts worker JVMs spawned
 * @param startFailures workers that died or timed out before they were ready
 * @param crashDeaths ready workers that exited or were killed unexpectedly
 * @param timeoutDeaths workers killed because a task overran its timeout
 * @param oomDeaths workers that ran out of heap
 * @param recycledWorkers workers retired after {@code maxTasksPerWorker} tasks
 * @param tasksOk tasks that ended {@code ok}
 * @param taskErrors tasks that ended {@code task-error}
 * @param crashFailures tasks that ended {@code crash}
 * @param timeoutFailures tasks that ended {@code timeout}
 * @param oomFailures tasks that ended {@code oom}
 * @param poolClosedFailures tasks that ended {@code pool-closed}
 * @param retries re-runs of tasks (after a crash, timeout, oom or task error)
 * @param workerMicros time workers spent running tasks that ended (last attempts), microseconds
 * @param inFlight now: tasks submitted and not yet finished (queued in the pool or on a worker)
 * @param liveWorkers now: worker JVMs alive (starting, ready or retiring)
 */
public record PoolCounters(
    long workerStarts,
    long startFailures,
    long crashDeaths,
    long timeoutDeaths,
    long oomDeaths,
    long recycledWorkers,
    long tasksOk,
    long taskErrors,
    long crashFailures,
    long timeoutFailures,
    long oomFailures,
    long poolClosedFailures,
    long retries,
    long workerMicros,
    int inFlight,
    int liveWorkers) {

  /** Tasks that ended with the given kind ({@code ok}, {@code task-error}, ...). */
  public long tasks(String kind) {
    return switch (kind) {
      case TaskResult.OK -> tasksOk;
      case TaskResult.TASK_ERROR -> taskErrors;
      case TaskResult.CRASH -> crashFailures;
      case TaskResult.TIMEOUT -> timeoutFailures;
      case TaskResult.OOM -> oomFailures;
      case TaskResult.POOL_CLOSED -> poolClosedFailures;
      default -> throw new IllegalArgumentException("unknown task kind '" + kind + "'");
    };
  }

  /** Tasks that ended, whatever their kind. */
  public long tasksDone() {
    return tasksOk + tasksFailed();
  }

  /** Tasks that ended with a failure. */
  public long tasksFailed() {
    return taskErrors + crashFailures + timeoutFailures + oomFailures + poolClosedFailures;
  }

  /**
   * Worker deaths of the given kind: {@code crash}, {@code timeout}, {@code oom}, {@code recycled}.
   */
  public long deaths(String kind) {
    return switch (kind) {
      case TaskResult.CRASH -> crashDeaths;
      case TaskResult.TIMEOUT -> timeoutDeaths;
      case TaskResult.OOM -> oomDeaths;
      case "recycled" -> recycledWorkers;
      default -> throw new IllegalArgumentException("unknown death kind '" + kind + "'");
    };
  }
}
