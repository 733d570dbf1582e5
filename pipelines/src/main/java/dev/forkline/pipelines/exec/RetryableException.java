package dev.forkline.pipelines.exec;

import java.time.Duration;

/**
 * A failure worth another attempt (HTTP 503, a reset connection). The executor retries it within
 * the element's attempts and deadline, after a jittered exponential back-off or, if given, after
 * {@link #retryAfter()} (an HTTP {@code Retry-After}). When no attempt is left, the element fails
 * with this exception's kind and message.
 */
public class RetryableException extends StageException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  public RetryableException(String kind, String message) {
    this(kind, message, null);
  }

  /** A retryable failure of a known kind. */
  public RetryableException(Kind kind, String message) {
    this(kind.label(), message, null);
  }

  /** A retryable failure of a known kind, to be tried again after {@code retryAfter}. */
  public RetryableException(Kind kind, String message, Duration retryAfter) {
    this(kind.label(), message, retryAfter);
  }

  /**
   * @param retryAfter how long to wait before the next attempt; null for the executor's back-off
   */
  public RetryableException(String kind, String message, Duration retryAfter) {
    super(kind, message);
    if (retryAfter != null && retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
    }
    this.retryAfter = retryAfter;
  }

  /** The delay the call asked for, or null. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
