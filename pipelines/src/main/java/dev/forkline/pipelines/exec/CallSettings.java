package dev.forkline.pipelines.exec;

import java.io.Serializable;
import java.time.Duration;

/**
 * How an executor runs a call: how many at once, the deadline of each attempt and of each element,
 * retries and back-off, and an optional per-key limit. Immutable; the {@code withX} methods return
 * changed copies and validate their argument.
 *
 * @param threads calls in flight at once (the thread count; with {@code inline}, 1)
 * @param inline run the call in the caller's thread instead of a pool
 * @param timeout deadline of one attempt; the attempt's thread is interrupted when it passes
 * @param retries attempts after the first, for retryable failures only
 * @param deadline total time an element may take in this stage, back-off included; null derives it
 *     from timeout and retries
 * @param backoffInitial first back-off delay; doubled per retry, with full jitter
 * @param backoffMax cap of one back-off delay
 * @param perKeyLimit calls in flight at once for one key; 0 for no limit
 * @param perKeyDelay least time between the starts of two calls for the same key
 * @param bundleTimeout how long the end of a bundle waits for its unfinished elements; null derives
 *     it from the deadline
 */
public record CallSettings(
    int threads,
    boolean inline,
    Duration timeout,
    int retries,
    Duration deadline,
    Duration backoffInitial,
    Duration backoffMax,
    int perKeyLimit,
    Duration perKeyDelay,
    Duration bundleTimeout)
    implements Serializable {

  public CallSettings {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    requirePositive("timeout", timeout);
    if (retries < 0) {
      throw new IllegalArgumentException("retries must be 0 or more, got " + retries);
    }
    if (deadline != null) {
      requirePositive("deadline", deadline);
    }
    requireNonNegative("backoffInitial", backoffInitial);
    requireNonNegative("backoffMax", backoffMax);
    if (perKeyLimit < 0) {
      throw new IllegalArgumentException("perKeyLimit must be 0 (none) or more: " + perKeyLimit);
    }
    requireNonNegative("perKeyDelay", perKeyDelay);
    if (bundleTimeout != null) {
      requirePositive("bundleTimeout", bundleTimeout);
    }
  }

  /** Defaults: 16 threads, 30 s per attempt, no retries, 200 ms first back-off up to 10 s. */
  public static CallSettings defaults() {
    return new CallSettings(
        16,
        false,
        Duration.ofSeconds(30),
        0,
        null,
        Duration.ofMillis(200),
        Duration.ofSeconds(10),
        0,
        Duration.ZERO,
        null);
  }

  public CallSettings withThreads(int threads) {
    return new CallSettings(
        threads,
        inline,
        timeout,
        retries,
        deadline,
        backoffInitial,
        backoffMax,
        perKeyLimit,
        perKeyDelay,
        bundleTimeout);
  }

  public CallSettings withInline(boolean inline) {
    return new CallSettings(
        threads,
        inline,
        timeout,
        retries,
        deadline,
        backoffInitial,
        backoffMax,
        perKeyLimit,
        perKeyDelay,
        bundleTimeout);
  }

  public CallSettings withTimeout(Duration timeout) {
    return new CallSettings(
        threads,
        inline,
        timeout,
        retries,
        deadline,
        backoffInitial,
        backoffMax,
        perKeyLimit,
        perKeyDelay,
        bundleTimeout);
  }

  public CallSettings withRetries(int retries) {
    return new CallSettings(
        threads,
        inline,
        timeout,
        retries,
        deadline,
        backoffInitial,
        backoffMax,
        perKeyLimit,
        perKeyDelay,
        bundleTimeout);
  }

  public CallSettings withDeadline(Duration deadline) {
    return new CallSettings(
        threads,
        inline,
        timeout,
        retries,
        deadline,
        backoffInitial,
        backoffMax,
        perKeyLimit,
        perKeyDelay,
        bundleTimeout);
  }

  public CallSettings withBackoff(Duration initial, Duration max) {
    if (initial != null && max != null && max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "the back-off cap " + max + " is below its first delay " + initial);
    }
    return new CallSettings(
        threads,
        inline,
        timeout,
        retries,
        deadline,
        initial,
        max,
        perKeyLimit,
        perKeyDelay,
        bundleTimeout);
  }

  public CallSettings withPerKeyLimit(int limit, Duration minDelay) {
    return new CallSettings(
        threads,
        inline,
        timeout,
        retries,
        deadline,
        backoffInitial,
        backoffMax,
        limit,
        minDelay,
        bundleTimeout);
  }

  public CallSettings withBundleTimeout(Duration bundleTimeout) {
    return new CallSettings(
        threads,
        inline,
        timeout,
        retries,
        deadline,
        backoffInitial,
        backoffMax,
        perKeyLimit,
        perKeyDelay,
        bundleTimeout);
  }

  /** Calls in flight at once: the threads, or 1 inline. */
  public int concurrency() {
    return inline ? 1 : threads;
  }

  /** The element deadline: as set, or every attempt's timeout plus the back-off between them. */
  public Duration effectiveDeadline() {
    if (deadline != null) {
      return deadline;
    }
    return timeout.multipliedBy(retries + 1L).plus(backoffMax.multipliedBy(retries));
  }

  /** The bundle wait: as set, or four element deadlines and at least ten minutes. */
  public Duration effectiveBundleTimeout() {
    if (bundleTimeout != null) {
      return bundleTimeout;
    }
    Duration derived = effectiveDeadline().multipliedBy(4);
    Duration floor = Duration.ofMinutes(10);
    return derived.compareTo(floor) > 0 ? derived : floor;
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
    }
  }

  private static void requireNonNegative(String name, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be zero or more, got " + value);
    }
  }
}
