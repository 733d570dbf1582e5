package dev.forkline.pipelines.exec;

import java.time.Duration;

/** One attempt of a call: its number and the time it has left before it is interrupted. */
public final class Attempt {
  private final int number;
  private final int maxAttempts;
  private final long deadlineNanos;
  private final KeyGate gate;
  private final String key;
  private final StageException previous;
  private volatile boolean sentNothing;

  Attempt(int number, int maxAttempts, long deadlineNanos) {
    this(number, maxAttempts, deadlineNanos, null, null, null);
  }

  Attempt(
      int number,
      int maxAttempts,
      long deadlineNanos,
      KeyGate gate,
      String key,
      StageException previous) {
    this.number = number;
    this.maxAttempts = maxAttempts;
    this.deadlineNanos = deadlineNanos;
    this.gate = gate;
    this.key = key;
    this.previous = previous;
  }

  /**
   * How the element's previous attempt failed (its kind and message), or null on the first: a call
   * that finds its key given up meanwhile can end the element with its own failure instead.
   */
  public StageException previousFailure() {
    return previous;
  }

  /** An attempt for calls made outside an executor (tests, tools): first of one, with a timeout. */
  public static Attempt single(Duration timeout) {
    return new Attempt(1, 1, System.nanoTime() + timeout.toNanos());
  }

  /** 1 for the first attempt. */
  public int number() {
    return number;
  }

  /** How many attempts the element may get in all. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Asks for at least {@code gap} between the starts of calls with this attempt's key from now on
   * (a robots.txt {@code Crawl-delay}), measured from the last start; the stage's own delay is the
   * least. Nothing happens when the stage has no per-key limit.
   */
  public void spaceKey(Duration gap) {
    if (gate != null && gap != null && !gap.isNegative()) {
      gate.space(key, gap.toNanos());
    }
  }

  /**
   * Tells the stage that this attempt sent nothing to its key (it failed before any request: a URL
   * robots.txt denies, a host given up), so the key's delay is not charged for it.
   */
  public void sentNothing() {
    sentNothing = true;
  }

  boolean sentNothingToKey() {
    return sentNothing;
  }

  /** Time left before this attempt's deadline, never negative. */
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }
}
