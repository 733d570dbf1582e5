package dev.forkline.workers.pool;

import java.util.Objects;

/**
 * The outcome of one task: its result payload, or a typed failure with what is known of it.
 * Immutable, except that {@link #payload} is not copied: do not modify it.
 *
 * <p>Kinds: {@code ok}; {@code task-error} (the kernel threw; the worker lives on); {@code crash}
 * (the worker exited or was killed, or no worker could be started); {@code timeout} (the task ran
 * longer than the pool's task timeout and its worker was killed); {@code oom} (the worker ran out
 * of heap); {@code pool-closed} (the pool was closed before the task finished).
 */
public final class TaskResult {

  public static final String OK = "ok";
  public static final String TASK_ERROR = "task-error";
  public static final String CRASH = "crash";
  public static final String TIMEOUT = "timeout";
  public static final String OOM = "oom";
  public static final String POOL_CLOSED = "pool-closed";

  private final String kind;
  private final byte[] payload;
  private final String message;
  private final String errorClass;
  private final String remoteStackTrace;
  private final int workerId;
  private final long pid;
  private final Integer exitCode;
  private final String exitDescription;
  private final String stderrTail;
  private final int attempts;
  private final long workerMicros;
  private final long totalMicros;

  private TaskResult(
      String kind,
      byte[] payload,
      String message,
      String errorClass,
      String remoteStackTrace,
      int workerId,
      long pid,
      Integer exitCode,
      String exitDescription,
      String stderrTail,
      int attempts,
      long workerMicros,
      long totalMicros) {
    this.kind = Objects.requireNonNull(kind);
    this.payload = payload;
    this.message = message;
    this.errorClass = errorClass;
    this.remoteStackTrace = remoteStackTrace;
    this.workerId = workerId;
    this.pid = pid;
    this.exitCode = exitCode;
    this.exitDescription = exitDescription;
    this.stderrTail = stderrTail;
    this.attempts = attempts;
    this.workerMicros = workerMicros;
    this.totalMicros = totalMicros;
  }

  /** A success, e.g. for tests of code that consumes results. */
  public static TaskResult ok(byte[] payload) {
    return ok(Objects.requireNonNull(payload), -1, -1, 1, 0, 0);
  }

  /** A failure of the given kind with only a message, e.g. for tests. */
  public static TaskResult failure(String kind, String message) {
    if (OK.equals(kind)) {
      throw new IllegalArgumentException("a failure cannot be of kind ok");
    }
    return failure(kind, message, 0, 0);
  }

  /** The kernel's result, as a worker returned it. */
  static TaskResult ok(
      byte[] payload, int workerId, long pid, int attempts, long workerMicros, long totalMicros) {
    return new TaskResult(
        OK,
        payload,
        null,
        null,
        null,
        workerId,
        pid,
        null,
        null,
        null,
        attempts,
        workerMicros,
        totalMicros);
  }

  /** The kernel threw: its exception's class and message, as a worker reported them. */
  static TaskResult taskError(
      String errorClass,
      String errorMessage,
      String remoteStackTrace,
      int workerId,
      long pid,
      String stderrTail,
      int attempts,
      long workerMicros,
      long totalMicros) {
    String message = errorClass + (errorMessage == null ? "" : ": " + errorMessage);
    return new TaskResult(
        TASK_ERROR,
        null,
        message,
        errorClass,
        remoteStackTrace,
        workerId,
        pid,
        null,
        null,
        stderrTail,
        attempts,
        workerMicros,
        totalMicros);
  }

  /** The worker died running the task ({@code crash}, {@code timeout} or {@code oom}). */
  static TaskResult death(
      String kind,
      String message,
      int workerId,
      long pid,
      Integer exitCode,
      String exitDescription,
      String stderrTail,
      int attempts,
      long workerMicros,
      long totalMicros) {
    return new TaskResult(
        kind,
        null,
        message,
        null,
        null,
        workerId,
        pid,
        exitCode,
        exitDescription,
        stderrTail,
        attempts,
        workerMicros,
        totalMicros);
  }

  /** A failure that no worker answered: refused at submission, pool closed or broken. */
  static TaskResult failure(String kind, String message, int attempts, long totalMicros) {
    return new TaskResult(
        kind, null, message, null, null, -1, -1, null, null, null, attempts, 0, totalMicros);
  }

  /** True if the kernel returned a result. */
  public boolean ok() {
    return OK.equals(kind);
  }

  /** The kernel's result when {@link #ok}; null otherwise. */
  public byte[] payload() {
    return payload;
  }

  /**
   * {@code ok}, {@code task-error}, {@code crash}, {@code timeout}, {@code oom} or {@code
   * pool-closed}.
   */
  public String kind() {
    return kind;
  }

  /** What went wrong, in a line (null when ok). */
  public String message() {
    return message;
  }

  /** For a {@code task-error}: the class of the kernel's exception. */
  public String errorClass() {
    return errorClass;
  }

  /** For a {@code task-error}: the worker-side stack trace. */
  public String remoteStackTrace() {
    return remoteStackTrace;
  }

  /** The pool's id of the worker of the last attempt; -1 if the task never reached one. */
  public int workerId() {
    return workerId;
  }

  /** The process id of the worker of the last attempt; -1 if the task never reached one. */
  public long pid() {
    return pid;
  }

  /** For a dead worker ({@code crash}, {@code timeout}, {@code oom}): its exit code. */
  public Integer exitCode() {
    return exitCode;
  }

  /** The exit code in words: {@code "exit 3"} or {@code "signal 9 (SIGKILL)"}. */
  public String exitDescription() {
    return exitDescription;
  }

  /** The last lines of the worker's stdout and stderr (its log file), when a failure has them. */
  public String stderrTail() {
    return stderrTail;
  }

  /**
   * Attempts the task made on workers, counting the last: 1 for a first-time success; uncharged
   * re-dispatches (tasks queued on a worker that died before starting them) do not count.
   */
  public int attempts() {
    return attempts;
  }

  /** Time the worker spent running the last attempt, in microseconds. */
  public long workerMicros() {
    return workerMicros;
  }

  /** Time from submission to this result, in microseconds. */
  public long totalMicros() {
    return totalMicros;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("TaskResult[").append(kind);
    if (ok()) {
      text.append(", ").append(payload.length).append(" bytes");
    } else if (message != null) {
      text.append(": ").append(message);
    }
    if (workerId >= 0) {
      text.append(", worker ").append(workerId).append(" (pid ").append(pid).append(')');
    }
    if (exitDescription != null) {
      text.append(", ").append(exitDescription);
    }
    return text.append(", attempts ").append(attempts).append(']').toString();
  }
}
