package dev.forkline.pipelines.exec;

/**
 * What became of one element's call: its value, or the kind and message of its failure; with the
 * attempts it took, the time its attempts ran, and the time from submission to the end.
 */
public final class Outcome<O> {
  private final O value;
  private final String kind;
  private final String message;
  private final int attempts;
  private final long callNanos;
  private final long elapsedNanos;

  private Outcome(
      O value, String kind, String message, int attempts, long callNanos, long elapsedNanos) {
    this.value = value;
    this.kind = kind;
    this.message = message;
    this.attempts = attempts;
    this.callNanos = callNanos;
    this.elapsedNanos = elapsedNanos;
  }

  static <O> Outcome<O> ok(O value, int attempts, long callNanos, long elapsedNanos) {
    return new Outcome<>(value, null, null, attempts, callNanos, elapsedNanos);
  }

  static <O> Outcome<O> failed(
      String kind, String message, int attempts, long callNanos, long elapsedNanos) {
    return new Outcome<>(null, kind, message, attempts, callNanos, elapsedNanos);
  }

  public boolean ok() {
    return kind == null;
  }

  /** The call's result; null for a failure. */
  public O value() {
    return value;
  }

  /** The failure kind; null when ok. */
  public String kind() {
    return kind;
  }

  public String message() {
    return message;
  }

  /** Attempts made; 0 when the element never started (for example cancelled at a deadline). */
  public int attempts() {
    return attempts;
  }

  /** Time the element's attempts ran, summed. */
  public long callNanos() {
    return callNanos;
  }

  /** Time from submission to the outcome, waiting and back-off included. */
  public long elapsedNanos() {
    return elapsedNanos;
  }
}
