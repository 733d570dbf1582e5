package dev.forkline.pipelines.exec;

/**
 * A per-element failure a stage call recognised, with its kind; the element becomes a failed row.
 */
public class StageException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String kind;
  private int attempts;

  public StageException(String kind, String message) {
    super(message);
    this.kind = kind;
  }

  /** A failure of a known kind (the engine's {@link FailureKind}, or a pipeline's own). */
  public StageException(Kind kind, String message) {
    this(kind.label(), message);
  }

  public StageException(Kind kind, String message, Throwable cause) {
    this(kind.label(), message, cause);
  }

  /**
   * Says that the call made several attempts itself (a process pool re-runs a task whose worker
   * died), so the failure record counts them.
   */
  public StageException withAttempts(int attempts) {
    this.attempts = attempts;
    return this;
  }

  /** Attempts the call made itself; 0 when it made no count of its own. */
  public int attempts() {
    return attempts;
  }

  public StageException(String kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public String kind() {
    return kind;
  }
}
