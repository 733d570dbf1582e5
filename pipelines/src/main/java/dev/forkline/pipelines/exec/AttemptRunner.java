package dev.forkline.pipelines.exec;

import static dev.forkline.pipelines.exec.CallExecutor.describe;
import static dev.forkline.pipelines.exec.CallExecutor.human;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one attempt of a {@link CallExecutor}'s call in the calling thread: its deadline (an
 * interrupt, then the thread given up), what its failure counts as, and whether the element is
 * retried and after how long. Scheduling the attempts is the executor's.
 */
final class AttemptRunner<I, O> {
  private static final Logger LOG = LoggerFactory.getLogger(CallExecutor.class);

  /** What the executor does for an attempt whose thread was given up. */
  interface Scheduling<I, O> {
    /** Frees the element's key slot. */
    void exitKey(CallJob<I, O> job);

    /** Admits the element again after {@code delayNanos}. */
    void retryLater(CallJob<I, O> job, long delayNanos);
  }

  private final String name;
  private final BlockingCall<I, O> call;
  private final KeyGate gate;
  private final CallSettings settings;
  private final long timeoutNanos;
  private final long deadlineNanos;
  private final int maxAttempts;
  private final ThreadPoolExecutor pool;
  private final Scheduling<I, O> scheduling;
  private final BooleanSupplier closed;
  private final AtomicInteger abandoned = new AtomicInteger();

  AttemptRunner(
      String name,
      BlockingCall<I, O> call,
      KeyGate gate,
      CallSettings settings,
      ThreadPoolExecutor pool,
      Scheduling<I, O> scheduling,
      BooleanSupplier closed) {
    this.name = name;
    this.call = call;
    this.gate = gate;
    this.settings = settings;
    this.timeoutNanos = settings.timeout().toNanos();
    this.deadlineNanos = settings.effectiveDeadline().toNanos();
    this.maxAttempts = settings.retries() + 1;
    this.pool = pool;
    this.scheduling = scheduling;
    this.closed = closed;
  }

  /** Threads given up on because their call ignored its interrupt and is still running. */
  int abandonedThreads() {
    return abandoned.get();
  }

  /** A guard for an attempt about to run in {@code thread}. */
  Guard guard(Thread thread, CallJob<I, O> job) {
    return new Guard(thread, job);
  }

  /**
   * Runs one attempt in this thread. Returns -1 when the element is finished (its result is
   * complete), else the delay before the next attempt.
   */
  long run(CallJob<I, O> job, Guard guard) {
    long now = System.nanoTime();
    if (job.attempts == 0) {
      job.deadline = now + deadlineNanos;
    }
    if (job.result.isDone()) {
      return -1;
    }
    long left = job.deadline - now;
    if (left <= 0) {
      return failOrRetry(
          job,
          FailureKind.TIMEOUT.label(),
          "ran out of the stage's deadline of " + human(deadlineNanos),
          false,
          null);
    }
    long attemptTimeout = Math.min(timeoutNanos, left);
    job.attempts++;
    if (guard == null) {
      guard = new Guard(Thread.currentThread(), job);
    }
    guard.inline = pool == null;
    Attempt attempt =
        new Attempt(job.attempts, maxAttempts, now + attemptTimeout, gate, job.key, job.previous);
    job.lastAttempt = attempt;
    job.running = guard;
    guard.arm(attemptTimeout);
    O value = null;
    Throwable error = null;
    try {
      value = call.call(job.input, attempt);
      if (value == null) {
        error = new IllegalStateException("the call of stage " + name + " returned null");
      }
    } catch (Throwable t) {
      error = t;
    }
    int end = guard.disarm();
    job.running = null;
    long took = System.nanoTime() - now;
    if (end == Guard.ABANDONED) {
      // The element already failed when the thread was given up; give the thread back.
      shrinkAfterAbandon();
      LOG.warn(
          "stage {}: a call that ignored its interrupt returned {} after it started",
          name,
          human(took));
      return -1;
    }
    job.callNanos += took;
    if (error == null) {
      job.finish(Outcome.ok(value, job.attempts, job.callNanos, System.nanoTime() - job.submitted));
      return -1;
    }
    if (job.result.isDone()) {
      return -1; // cancelled while running
    }
    return failed(job, error, end == Guard.TIMED_OUT, attemptTimeout);
  }

  /** What a failed attempt counts as: the element's end, or the delay before its retry. */
  private long failed(CallJob<I, O> job, Throwable error, boolean timedOut, long attemptTimeout) {
    if (timedOut) {
      return failOrRetry(
          job, FailureKind.TIMEOUT.label(), timeoutMessage(attemptTimeout), true, null);
    }
    if (error instanceof RetryableException r) {
      if (r.retryAfter() != null && job.key != null) {
        gate.pause(job.key, r.retryAfter().toNanos()); // the key asked for a pause, not one call
      }
      return failOrRetry(job, r.kind(), r.getMessage(), true, r.retryAfter());
    }
    if (error instanceof StageException s) {
      if (s.attempts() > 1) {
        job.attempts += s.attempts() - 1;
      }
      return failOrRetry(job, s.kind(), s.getMessage(), false, null);
    }
    if (error instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return failOrRetry(job, "cancelled", "interrupted: the stage is shutting down", false, null);
    }
    if (error instanceof Exception e) {
      return failOrRetry(job, call.classify(e), describe(e), false, null);
    }
    if (error instanceof OutOfMemoryError) {
      return failOrRetry(job, FailureKind.OOM.label(), describe(error), false, null);
    }
    return failOrRetry(job, FailureKind.INTERNAL.label(), describe(error), false, null);
  }

  /** Ends the element with this failure, or returns the delay before its next attempt. */
  long failOrRetry(
      CallJob<I, O> job, String kind, String message, boolean retryable, Duration asked) {
    long now = System.nanoTime();
    if (retryable && job.attempts < maxAttempts && !closed.getAsBoolean()) {
      long delay = asked != null ? asked.toNanos() : backoff(job.attempts);
      if (now + delay - job.deadline < 0) {
        job.previous = new StageException(kind, message);
        return delay;
      }
      message +=
          asked != null
              ? "; the next attempt was due in " + human(delay) + ", past the stage's deadline"
              : "; no time left for another attempt";
    }
    if (job.attempts > 1) {
      message += " (after " + job.attempts + " attempts)";
    }
    job.finish(Outcome.failed(kind, message, job.attempts, job.callNanos, now - job.submitted));
    return -1;
  }

  private String timeoutMessage(long attemptTimeout) {
    return attemptTimeout < timeoutNanos
        ? "took longer than the " + human(attemptTimeout) + " left of the stage's deadline"
        : "took longer than the timeout of " + human(attemptTimeout);
  }

  private long backoff(int attemptsMade) {
    long initial = settings.backoffInitial().toNanos();
    long cap = settings.backoffMax().toNanos();
    long ceiling = initial;
    for (int i = 1; i < attemptsMade && ceiling < cap; i++) {
      ceiling *= 2;
    }
    ceiling = Math.min(ceiling, cap);
    // Equal jitter: at least half the delay, so retries never come at once, spread over the rest.
    return ceiling / 2 + (ceiling <= 1 ? 0 : ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
  }

  private void growForAbandon() {
    abandoned.incrementAndGet();
    synchronized (pool) {
      pool.setMaximumPoolSize(pool.getMaximumPoolSize() + 1);
      pool.setCorePoolSize(pool.getCorePoolSize() + 1);
    }
  }

  private void shrinkAfterAbandon() {
    abandoned.decrementAndGet();
    synchronized (pool) {
      pool.setCorePoolSize(pool.getCorePoolSize() - 1);
      pool.setMaximumPoolSize(pool.getMaximumPoolSize() - 1);
    }
  }

  /**
   * The deadline of one running attempt. States: running, then done; or running, interrupting,
   * timed out, then done (the call returned) or abandoned (it did not, within the grace period).
   */
  final class Guard {
    static final int RUNNING = 0;
    static final int INTERRUPTING = 1;
    static final int TIMED_OUT = 2;
    static final int DONE = 3;
    static final int ABANDONED = 4;

    final Thread thread;
    final CallJob<I, O> job;
    final AtomicInteger state = new AtomicInteger(RUNNING);
    final AtomicBoolean keyReleased = new AtomicBoolean();
    boolean inline;
    ScheduledFuture<?> timer;

    Guard(Thread thread, CallJob<I, O> job) {
      this.thread = thread;
      this.job = job;
    }

    void arm(long nanos) {
      state.set(RUNNING);
      timer = Timers.schedule(this::expire, nanos);
    }

    /** At the deadline: interrupt the call, and give its thread up if it does not stop. */
    void expire() {
      if (interrupt() && !inline) {
        Timers.schedule(this::abandonIfStuck, CallExecutor.ABANDON_GRACE_NANOS);
      }
    }

    void cancel() {
      interrupt();
    }

    private boolean interrupt() {
      if (!state.compareAndSet(RUNNING, INTERRUPTING)) {
        return false;
      }
      thread.interrupt();
      state.set(TIMED_OUT);
      return true;
    }

    private void abandonIfStuck() {
      if (!state.compareAndSet(TIMED_OUT, ABANDONED)) {
        return;
      }
      growForAbandon();
      LOG.warn(
          "stage {}: a call ignored its interrupt {} after its deadline; its thread is left to"
              + " finish and a new thread takes its place",
          name,
          human(CallExecutor.ABANDON_GRACE_NANOS));
      if (releaseKey()) {
        scheduling.exitKey(job);
      }
      long delay =
          failOrRetry(job, FailureKind.TIMEOUT.label(), timeoutMessage(timeoutNanos), true, null);
      if (delay >= 0) {
        scheduling.retryLater(job, delay);
      }
    }

    /** True once, for whoever frees the attempt's key slot. */
    boolean releaseKey() {
      return keyReleased.compareAndSet(false, true);
    }

    /** Called by the attempt's thread when the call returned: how the attempt ended. */
    int disarm() {
      if (timer != null) {
        timer.cancel(false);
      }
      while (true) {
        int s = state.get();
        if (s == RUNNING && state.compareAndSet(RUNNING, DONE)) {
          return DONE;
        }
        if (s == TIMED_OUT && state.compareAndSet(TIMED_OUT, DONE)) {
          Thread.interrupted();
          return TIMED_OUT;
        }
        if (s == ABANDONED) {
          Thread.interrupted();
          return ABANDONED;
        }
        Thread.onSpinWait();
      }
    }
  }
}
