package dev.forkline.pipelines.exec;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link BlockingCall} on elements: on a thread pool ({@link #submit}) or in the caller's
 * thread ({@link #runInline}), with a deadline per attempt that interrupts the call, bounded
 * retries of retryable failures after a jittered exponential back-off (or the delay the call asked
 * for), a deadline per element, and an optional per-key limit. Every element ends in exactly one
 * {@link Outcome}; no exception escapes.
 *
 * <p>One executor serves every DoFn instance of a stage in a JVM (see {@link Shared}), so the
 * thread count and the in-flight bound hold for the stage as a whole.
 *
 * <p>A call that ignores its interrupt keeps its thread: one second after the deadline the element
 * is failed as {@code timeout} anyway, the thread is left to finish, and the pool grows by one
 * thread until it does, so the stage keeps its capacity.
 */
public final class CallExecutor<I, O> implements Shared.Resource {
  private static final Logger LOG = LoggerFactory.getLogger(CallExecutor.class);

  /** How long a timed-out call may take to honour its interrupt before its thread is given up. */
  static final long ABANDON_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String name;
  private final BlockingCall<I, O> call;
  private final SerializableFunction<I, String> keyFn;
  private final ResolvedKeys keys;
  private final CallSettings settings;
  private final long timeoutNanos;
  private final long deadlineNanos;
  private final int maxAttempts;
  private final ThreadPoolExecutor pool;
  private final KeyGate gate;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger abandoned = new AtomicInteger();
  private final Map<CompletableFuture<Outcome<O>>, Job> jobs =
      Collections.synchronizedMap(new IdentityHashMap<>());
  private volatile boolean closed;

  /**
   * @param name the stage's name, for threads and messages
   * @param keyFn the key of an element for the per-key limit; null when there is none
   */
  public CallExecutor(
      String name,
      BlockingCall<I, O> call,
      SerializableFunction<I, String> keyFn,
      CallSettings settings) {
    this(name, call, keyFn, null, settings);
  }

  /**
   * @param resolver what the per-key limit counts a key by ({@link KeyResolver}); null for the key
   */
  public CallExecutor(
      String name,
      BlockingCall<I, O> call,
      SerializableFunction<I, String> keyFn,
      KeyResolver resolver,
      CallSettings settings) {
    this.name = name;
    this.call = call;
    this.keyFn = keyFn;
    this.keys = keyFn == null || resolver == null ? null : new ResolvedKeys(name, resolver);
    this.settings = settings;
    this.timeoutNanos = settings.timeout().toNanos();
    this.deadlineNanos = settings.effectiveDeadline().toNanos();
    this.maxAttempts = settings.retries() + 1;
    this.gate =
        keyFn != null
            ? new KeyGate(settings.perKeyLimit(), settings.perKeyDelay().toNanos())
            : null;
    if (settings.inline()) {
      this.pool = null;
    } else {
      AtomicInteger threadNumber = new AtomicInteger();
      this.pool =
          new ThreadPoolExecutor(
              settings.threads(),
              settings.threads(),
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "forkline-" + name + "-" + threadNumber.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }
  }

  /** Runs the call's {@link BlockingCall#setup}; {@link Shared} calls it once. */
  @Override
  public void open() throws Exception {
    call.setup();
  }

  /** Stops the threads (interrupting running calls) and runs the call's teardown. */
  @Override
  public void close() {
    closed = true;
    if (pool != null) {
      pool.shutdownNow();
    }
    if (keys != null) {
      keys.close();
    }
    call.teardown();
  }

  public String name() {
    return name;
  }

  public CallSettings settings() {
    return settings;
  }

  /** The call this executor runs. */
  public BlockingCall<I, O> call() {
    return call;
  }

  /** Elements submitted and not yet finished. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Threads given up on because their call ignored its interrupt and is still running. */
  public int abandonedThreads() {
    return abandoned.get();
  }

  /** Starts an element on the pool; the future completes with its outcome and never fails. */
  public CompletableFuture<Outcome<O>> submit(I input) {
    return submit(input, null);
  }

  /**
   * What an attempt must hold, besides its key's slot, while it runs: taken in the pool thread once
   * the key lets the attempt start, given back before a retry's back-off. Whatever is held when the
   * element's outcome is known stays held: the submitter gives it back.
   */
  public interface Admission {
    /** Blocks until the attempt may run. */
    void acquire() throws InterruptedException;

    /** Gives back what {@link #acquire} took: the attempt failed and waits for its retry. */
    void release();
  }

  /**
   * {@link #submit(Object)}, each attempt taking {@code admission} when it starts: so a chain's
   * in-flight permits are held by calls that run, never by elements that wait for their key.
   */
  public CompletableFuture<Outcome<O>> submit(I input, Admission admission) {
    if (pool == null) {
      throw new IllegalStateException("stage " + name + " runs inline: use runInline");
    }
    Job job = new Job(input);
    job.admission = admission;
    inFlight.incrementAndGet();
    job.result.whenComplete((o, t) -> inFlight.decrementAndGet());
    admit(job);
    return job.result;
  }

  /** Runs an element in this thread, retries and back-off included. */
  public Outcome<O> runInline(I input) throws InterruptedException {
    Job job = new Job(input);
    inFlight.incrementAndGet();
    try {
      if (keys != null && job.key != null) {
        job.key = keys.resolve(job.key).join();
      }
      while (true) {
        if (job.key != null) {
          CompletableFuture<Void> admitted = new CompletableFuture<>();
          gate.enter(job.key, () -> admitted.complete(null));
          try {
            admitted.get();
          } catch (InterruptedException e) {
            admitted.thenRun(() -> gate.exit(job.key));
            throw e;
          } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
          }
        }
        long delay;
        try {
          for (long wait; job.key != null && (wait = gate.startDelay(job.key)) > 0; ) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          delay = runAttempt(job, null);
        } finally {
          if (job.key != null) {
            gate.exit(job.key);
          }
        }
        if (delay < 0) {
          return job.result.join();
        }
        TimeUnit.NANOSECONDS.sleep(delay);
      }
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /** Fails an unfinished element at once (a bundle deadline passed) and interrupts its call. */
  public void cancel(CompletableFuture<Outcome<O>> result, String message) {
    Job job = jobs.get(result);
    if (job != null) {
      job.cancel(message);
    }
  }

  private void admit(Job job) {
    if (closed) {
      job.finish(
          Outcome.failed("cancelled", "stage " + name + " was shut down", job.attempts, 0, 0));
      return;
    }
    if (job.key != null && keys != null && !job.resolved) {
      keys.resolve(job.key)
          .thenAccept(
              key -> {
                job.key = key;
                job.resolved = true;
                admit(job);
              });
      return;
    }
    if (job.key != null) {
      gate.enter(job.key, () -> startOnPool(job), job.attempts > 0);
    } else {
      startOnPool(job);
    }
  }

  private void startOnPool(Job job) {
    try {
      pool.execute(
          () -> {
            // A look at the key's time first, so an element whose host must wait takes no permit.
            if (job.admission != null && job.key != null && !job.result.isDone()) {
              long early = gate.peekDelay(job.key);
              if (early > 0) {
                Timers.schedule(() -> startOnPool(job), early);
                return;
              }
            }
            // The admission before the start is counted, so that it counts the call's real start.
            if (job.admission != null && !job.result.isDone()) {
              try {
                job.admission.acquire();
              } catch (InterruptedException e) {
                exitKey(job);
                job.finish(
                    Outcome.failed(
                        "cancelled", "stage " + name + " was shut down", job.attempts, 0, 0));
                return;
              }
            }
            if (job.key != null && !job.result.isDone()) {
              long wait = gate.startDelay(job.key, job.keyStart);
              if (wait > 0) {
                if (job.admission != null) {
                  job.admission.release(); // never held while the key's delay runs
                }
                Timers.schedule(() -> startOnPool(job), wait);
                return;
              }
            }
            Guard guard = new Guard(Thread.currentThread(), job);
            long delay = runAttempt(job, guard);
            if (guard.releaseKey()) {
              exitKey(job, delay < 0);
            }
            if (delay >= 0) {
              retryLater(job, delay);
            }
          });
    } catch (RejectedExecutionException e) {
      exitKey(job);
      job.finish(
          Outcome.failed("cancelled", "stage " + name + " was shut down", job.attempts, 0, 0));
    }
  }

  /** Gives back the attempt's admission and admits the element again after {@code delay}. */
  private void retryLater(Job job, long delay) {
    if (job.admission != null) {
      job.admission.release();
    }
    Timers.schedule(() -> admit(job), delay);
  }

  private void exitKey(Job job) {
    exitKey(job, false);
  }

  /** Frees the element's key slot; {@code proven}: the attempt ended the element, not a retry. */
  private void exitKey(Job job, boolean proven) {
    if (job.key != null) {
      Attempt last = job.lastAttempt;
      gate.exit(job.key, job.keyStart[0], last == null || !last.sentNothingToKey(), proven);
    }
  }

  /**
   * Runs one attempt in this thread. Returns -1 when the element is finished (its result is
   * complete), else the delay before the next attempt.
   */
  private long runAttempt(Job job, Guard guard) {
    long now = System.nanoTime();
    if (job.attempts == 0) {
      job.deadline = now + deadlineNanos;
    }
    if (job.result.isDone()) {
      return -1;
    }
    long left = job.deadline - now;
    if (left <= 0) {
      return job.failOrRetry(
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
    if (end == Guard.TIMED_OUT) {
      return job.failOrRetry(
          FailureKind.TIMEOUT.label(), timeoutMessage(attemptTimeout), true, null);
    }
    if (error instanceof RetryableException r) {
      if (r.retryAfter() != null && job.key != null) {
        gate.pause(job.key, r.retryAfter().toNanos()); // the key asked for a pause, not one call
      }
      return job.failOrRetry(r.kind(), r.getMessage(), true, r.retryAfter());
    }
    if (error instanceof StageException s) {
      if (s.attempts() > 1) {
        job.attempts += s.attempts() - 1;
      }
      return job.failOrRetry(s.kind(), s.getMessage(), false, null);
    }
    if (error instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return job.failOrRetry("cancelled", "interrupted: the stage is shutting down", false, null);
    }
    if (error instanceof Exception e) {
      return job.failOrRetry(call.classify(e), describe(e), false, null);
    }
    if (error instanceof OutOfMemoryError) {
      return job.failOrRetry(FailureKind.OOM.label(), describe(error), false, null);
    }
    return job.failOrRetry(FailureKind.INTERNAL.label(), describe(error), false, null);
  }

  private String timeoutMessage(long attemptTimeout) {
    return attemptTimeout < timeoutNanos
        ? "took longer than the " + human(attemptTimeout) + " left of the stage's deadline"
        : "took longer than the timeout of " + human(attemptTimeout);
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

  static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank()
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + message;
  }

  /** A duration for messages: 250 ms, 1.5 s, 30 s. */
  static String human(long nanos) {
    if (nanos < 1_000_000_000L) {
      return Math.max(0, nanos / 1_000_000) + " ms";
    }
    Duration d = Duration.ofNanos(nanos);
    long millis = d.toMillis();
    return millis % 1000 == 0
        ? (millis / 1000) + " s"
        : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  /** One element's way through the executor. */
  private final class Job {
    final I input;
    volatile String key;
    volatile boolean resolved;
    final long submitted = System.nanoTime();
    final CompletableFuture<Outcome<O>> result = new CompletableFuture<>();
    volatile Guard running;
    Admission admission;
    StageException previous;
    volatile Attempt lastAttempt;
    final long[] keyStart = new long[1];
    int attempts;
    long deadline;
    long callNanos;

    Job(I input) {
      this.input = input;
      this.key = gate == null || keyFn == null ? null : keyFn.apply(input);
      jobs.put(result, this);
      result.whenComplete((o, t) -> jobs.remove(result));
    }

    void finish(Outcome<O> outcome) {
      result.complete(outcome);
    }

    void cancel(String message) {
      Guard guard = running;
      finish(
          Outcome.failed(
              FailureKind.TIMEOUT.label(),
              message,
              attempts,
              callNanos,
              System.nanoTime() - submitted));
      if (guard != null) {
        guard.cancel();
      }
    }

    /** Ends the element with this failure, or returns the delay before its next attempt. */
    long failOrRetry(String kind, String message, boolean retryable, Duration asked) {
      long now = System.nanoTime();
      if (retryable && attempts < maxAttempts && !closed) {
        long delay = asked != null ? asked.toNanos() : backoff(attempts);
        if (now + delay - deadline < 0) {
          previous = new StageException(kind, message);
          return delay;
        }
        message +=
            asked != null
                ? "; the next attempt was due in " + human(delay) + ", past the stage's deadline"
                : "; no time left for another attempt";
      }
      if (attempts > 1) {
        message += " (after " + attempts + " attempts)";
      }
      finish(Outcome.failed(kind, message, attempts, callNanos, now - submitted));
      return -1;
    }
  }

  /**
   * The deadline of one running attempt. States: running, then done; or running, interrupting,
   * timed out, then done (the call returned) or abandoned (it did not, within the grace period).
   */
  private final class Guard {
    static final int RUNNING = 0;
    static final int INTERRUPTING = 1;
    static final int TIMED_OUT = 2;
    static final int DONE = 3;
    static final int ABANDONED = 4;

    final Thread thread;
    final Job job;
    final AtomicInteger state = new AtomicInteger(RUNNING);
    final AtomicBoolean keyReleased = new AtomicBoolean();
    boolean inline;
    ScheduledFuture<?> timer;

    Guard(Thread thread, Job job) {
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
        Timers.schedule(this::abandonIfStuck, ABANDON_GRACE_NANOS);
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
          human(ABANDON_GRACE_NANOS));
      if (releaseKey()) {
        exitKey(job);
      }
      long delay =
          job.failOrRetry(FailureKind.TIMEOUT.label(), timeoutMessage(timeoutNanos), true, null);
      if (delay >= 0) {
        retryLater(job, delay);
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
