package dev.forkline.pipelines.exec;

import dev.forkline.workers.pool.PoolCounters;
import dev.forkline.workers.pool.TaskResult;
import dev.forkline.workers.pool.WorkerPools;

/**
 * The blocking call of a process-pool stage: send the element's request to a worker JVM and wait
 * for the reply. The pool enforces the task deadline (killing a hung worker), retries tasks whose
 * worker died, and reports every outcome as a {@link TaskResult}; a failed one becomes a {@link
 * StageException} of the same kind ({@code task-error}, {@code crash}, {@code timeout}, {@code
 * oom}) whose message names the worker and ends with its last lines of output.
 */
final class PoolCall<I, O> implements BlockingCall<I, O> {
  private static final long serialVersionUID = 1L;

  /** At most this much of a worker's output goes into a failure message. */
  static final int MAX_TAIL_CHARS = 1500;

  private final RemoteCall<I, O> remote;
  private final PoolSettings settings;
  private transient WorkerPools.Lease lease;

  PoolCall(RemoteCall<I, O> remote, PoolSettings settings) {
    this.remote = remote;
    this.settings = settings;
  }

  @Override
  public void setup() throws Exception {
    lease = WorkerPools.acquire(settings.spec(remote.kernel()));
  }

  @Override
  public void teardown() {
    if (lease != null) {
      lease.close();
      lease = null;
    }
  }

  @Override
  public O call(I input, Attempt attempt) throws Exception {
    TaskResult result = lease.pool().call(remote.kernel(), remote.request(input));
    if (result.ok()) {
      return remote.response(
          input,
          result.payload(),
          "worker " + result.workerId() + (result.pid() > 0 ? " (pid " + result.pid() + ")" : ""));
    }
    throw new StageException(result.kind(), describe(result)).withAttempts(result.attempts());
  }

  @Override
  public String classify(Exception e) {
    return remote.classify(e);
  }

  @Override
  public void reportMetrics(StageMetrics metrics) {
    WorkerPools.Lease current = lease;
    if (current != null) {
      PoolCounters counters = current.pool().drainCounters();
      metrics.workers(
          counters.workerStarts(),
          java.util.Map.of(
              FailureKind.CRASH.label(),
              counters.crashDeaths() + counters.startFailures(),
              FailureKind.TIMEOUT.label(),
              counters.timeoutDeaths(),
              FailureKind.OOM.label(),
              counters.oomDeaths(),
              "recycled",
              counters.recycledWorkers()));
      metrics.retries(counters.retries());
    }
  }

  /** The failure for a row: what happened, on which worker, and the worker's last output. */
  static String describe(TaskResult result) {
    StringBuilder out = new StringBuilder();
    out.append(result.message() == null ? result.kind() : result.message());
    out.append(" [worker ").append(result.workerId());
    if (result.pid() > 0) {
      out.append(", pid ").append(result.pid());
    }
    if (result.exitDescription() != null) {
      out.append(", ").append(result.exitDescription());
    }
    out.append(']');
    String tail = result.stderrTail();
    if (tail != null && !tail.isBlank()) {
      tail = tail.strip();
      if (tail.length() > MAX_TAIL_CHARS) {
        int from = tail.length() - MAX_TAIL_CHARS;
        if (Character.isLowSurrogate(tail.charAt(from))) {
          from++; // not half of a character
        }
        tail = "..." + tail.substring(from);
      }
      out.append("; worker output: ").append(tail);
    } else if (FailureKind.TASK_ERROR.is(result.kind()) && result.remoteStackTrace() != null) {
      String trace = result.remoteStackTrace().strip();
      int firstFrames = nthIndexOf(trace, '\n', 4);
      out.append("; ").append(firstFrames < 0 ? trace : trace.substring(0, firstFrames));
    }
    return out.toString();
  }

  private static int nthIndexOf(String s, char c, int n) {
    int at = -1;
    for (int i = 0; i < n; i++) {
      at = s.indexOf(c, at + 1);
      if (at < 0) {
        return -1;
      }
    }
    return at;
  }
}
