package dev.forkline.pipelines.exec;

/**
 * The failure kinds of the engine and its file stages, as they appear in a failed row's {@code
 * failure_kind}. A pipeline adds its own vocabulary beside these (the fetch kinds of {@code
 * scrape.FetchKind}, the image kernel's {@code ImageException.Kind}), with the same labels where
 * the meaning is the same ({@code timeout}, {@code too-large}).
 */
public enum FailureKind implements Kind {
  /** No stage classified the failure: a bug in forkline, reported as such. */
  INTERNAL("internal"),
  /** A file could not be read, listed or written. */
  IO("io"),
  /** An attempt ran past its deadline, or the stage past its bundle's. */
  TIMEOUT("timeout"),
  /** An input or output above its limit. */
  TOO_LARGE("too-large"),
  /** The call ran out of heap (a Java thread's {@code OutOfMemoryError}, or a worker's death). */
  OOM("oom"),
  /** A worker JVM exited or was killed while running the task, or none could be started. */
  CRASH("crash"),
  /** The kernel threw in a worker JVM, which lives on. */
  TASK_ERROR("task-error"),
  /**
   * A write found its disk full: not the input's fault, and every later write would fail too, so
   * the stage chain stops the run on it instead of making a row ({@code DiskFullException}).
   */
  DISK_FULL("disk-full");

  private final String label;

  FailureKind(String label) {
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }
}
