package dev.forkline.pipelines.exec;

/**
 * A per-element failure a stage call recognised, with its kind; the element becomes a failed row.
 */
public class StageException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String kind;

  public StageException(String kind, String message) {
    super(message);
    this.kind = kind;
  }

  public StageException(String kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public String kind() {
    return kind;
  }
}
