package dev.forkline.pipelines.exec;

import com.google.auto.value.AutoValue;
import java.io.Serializable;
import java.time.Duration;
import javax.annotation.Nullable;

/**
 * How an executor runs a call: how many at once, the deadline of each attempt and of each element,
 * retries and back-off, and an optional per-key limit. Immutable (AutoValue); the {@code withX}
 * methods return changed copies, and every copy is validated as it is built.
 */
@AutoValue
public abstract class CallSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Calls in flight at once (the thread count; with {@link #inline}, 1). */
  public abstract int threads();

  /** Run the call in the caller's thread instead of a pool. */
  public abstract boolean inline();

  /** Deadline of one attempt; the attempt's thread is interrupted when it passes. */
  public abstract Duration timeout();

  /** Attempts after the first, for retryable failures only. */
  public abstract int retries();

  /** Total time an element may take in this stage, back-off included; null derives it. */
  @Nullable
  public abstract Duration deadline();

  /** First back-off delay; doubled per retry, with full jitter. */
  public abstract Duration backoffInitial();

  /** Cap of one back-off delay. */
  public abstract Duration backoffMax();

  /** Calls in flight at once for one key; 0 for no limit. */
  public abstract int perKeyLimit();

  /** Least time between the starts of two calls for the same key. */
  public abstract Duration perKeyDelay();

  /** How long the end of a bundle waits for its unfinished elements; null derives it. */
  @Nullable
  public abstract Duration bundleTimeout();

  abstract Builder toBuilder();

  /** Defaults: 16 threads, 30 s per attempt, no retries, 200 ms first back-off up to 10 s. */
  public static CallSettings defaults() {
    return new AutoValue_CallSettings.Builder()
        .setThreads(16)
        .setInline(false)
        .setTimeout(Duration.ofSeconds(30))
        .setRetries(0)
        .setDeadline(null)
        .setBackoffInitial(Duration.ofMillis(200))
        .setBackoffMax(Duration.ofSeconds(10))
        .setPerKeyLimit(0)
        .setPerKeyDelay(Duration.ZERO)
        .setBundleTimeout(null)
        .build();
  }

  public CallSettings withThreads(int threads) {
    return toBuilder().setThreads(threads).build();
  }

  public CallSettings withInline(boolean inline) {
    return toBuilder().setInline(inline).build();
  }

  public CallSettings withTimeout(Duration timeout) {
    return toBuilder().setTimeout(timeout).build();
  }

  public CallSettings withRetries(int retries) {
    return toBuilder().setRetries(retries).build();
  }

  public CallSettings withDeadline(Duration deadline) {
    return toBuilder().setDeadline(deadline).build();
  }

  public CallSettings withBackoff(Duration initial, Duration max) {
    if (initial != null && max != null && max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "the back-off cap " + max + " is below its first delay " + initial);
    }
    return toBuilder().setBackoffInitial(initial).setBackoffMax(max).build();
  }

  public CallSettings withPerKeyLimit(int limit, Duration minDelay) {
    return toBuilder().setPerKeyLimit(limit).setPerKeyDelay(minDelay).build();
  }

  public CallSettings withBundleTimeout(Duration bundleTimeout) {
    return toBuilder().setBundleTimeout(bundleTimeout).build();
  }

  /** Calls in flight at once: the threads, or 1 inline. */
  public int concurrency() {
    return inline() ? 1 : threads();
  }

  /** The element deadline: as set, or every attempt's timeout plus the back-off between them. */
  public Duration effectiveDeadline() {
    if (deadline() != null) {
      return deadline();
    }
    return timeout().multipliedBy(retries() + 1L).plus(backoffMax().multipliedBy(retries()));
  }

  /** The bundle wait: as set, or four element deadlines and at least ten minutes. */
  public Duration effectiveBundleTimeout() {
    if (bundleTimeout() != null) {
      return bundleTimeout();
    }
    Duration derived = effectiveDeadline().multipliedBy(4);
    Duration floor = Duration.ofMinutes(10);
    return derived.compareTo(floor) > 0 ? derived : floor;
  }

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setThreads(int threads);

    abstract Builder setInline(boolean inline);

    abstract Builder setTimeout(Duration timeout);

    abstract Builder setRetries(int retries);

    abstract Builder setDeadline(@Nullable Duration deadline);

    abstract Builder setBackoffInitial(Duration backoffInitial);

    abstract Builder setBackoffMax(Duration backoffMax);

    abstract Builder setPerKeyLimit(int perKeyLimit);

    abstract Builder setPerKeyDelay(Duration perKeyDelay);

    abstract Builder setBundleTimeout(@Nullable Duration bundleTimeout);

    abstract CallSettings autoBuild();

    /** The settings, validated: each message names the setting and what it accepts. */
    CallSettings build() {
      CallSettings s = autoBuild();
      if (s.threads() < 1) {
        throw new IllegalArgumentException("threads must be at least 1, got " + s.threads());
      }
      requirePositive("timeout", s.timeout());
      if (s.retries() < 0) {
        throw new IllegalArgumentException("retries must be 0 or more, got " + s.retries());
      }
      if (s.deadline() != null) {
        requirePositive("deadline", s.deadline());
      }
      requireNonNegative("backoffInitial", s.backoffInitial());
      requireNonNegative("backoffMax", s.backoffMax());
      if (s.perKeyLimit() < 0) {
        throw new IllegalArgumentException(
            "perKeyLimit must be 0 (none) or more: " + s.perKeyLimit());
      }
      requireNonNegative("perKeyDelay", s.perKeyDelay());
      if (s.bundleTimeout() != null) {
        requirePositive("bundleTimeout", s.bundleTimeout());
      }
      return s;
    }
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
