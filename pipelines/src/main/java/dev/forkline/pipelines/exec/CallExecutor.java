package dev.forkline.pipelines.exec;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.transforms.SerializableFunction;

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

  /** How long a timed-out call may take to honour its interrupt before its thread is given up. */
  static final long ABANDON_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String name;
  private final BlockingCall<I, O> call;
  private final SerializableFunction<I, String> keyFn;
  private final ResolvedKeys keys;
  private final CallSettings settings;
  private final ThreadPoolExecutor pool;
  private final KeyGate gate;
  private final AttemptRunner<I, O> attempts;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Map<CompletableFuture<Outcome<O>>, CallJob<I, O>> jobs =
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
    this.attempts =
        new AttemptRunner<>(
            name,
            call,
            gate,
            settings,
            pool,
            new AttemptRunner.Scheduling<>() {
              @Override
              public void exitKey(CallJob<I, O> job) {
                CallExecutor.this.exitKey(job);
              }

              @Override
              public void retryLater(CallJob<I, O> job, long delayNanos) {
                CallExecutor.this.retryLater(job, delayNanos);
              }
            },
            () -> closed);
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
    return attempts.abandonedThreads();
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
    CallJob<I, O> job = newJob(input);
    job.admission = admission;
    inFlight.incrementAndGet();
    job.result.whenComplete((o, t) -> inFlight.decrementAndGet());
    admit(job);
    return job.result;
  }

  /** Runs an element in this thread, retries and back-off included. */
  public Outcome<O> runInline(I input) throws InterruptedException {
    CallJob<I, O> job = newJob(input);
    inFlight.incrementAndGet();
    try {
      if (keys != null && job.key != null) {
        job.key = keys.resolve(job.key).join();
      }
      while (true) {
        if (job.key != null) {
          enterInline(job.key);
        }
        long delay;
        try {
          for (long wait; job.key != null && (wait = gate.startDelay(job.key)) > 0; ) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          delay = attempts.run(job, null);
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

  /** Blocks until {@code key} lets one more call in; interrupted, the slot is given back. */
  private void enterInline(String key) throws InterruptedException {
    CompletableFuture<Void> admitted = new CompletableFuture<>();
    gate.enter(key, () -> admitted.complete(null));
    try {
      admitted.get();
    } catch (InterruptedException e) {
      admitted.thenRun(() -> gate.exit(key));
      throw e;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Fails an unfinished element at once (a bundle deadline passed) and interrupts its call. */
  public void cancel(CompletableFuture<Outcome<O>> result, String message) {
    CallJob<I, O> job = jobs.get(result);
    if (job != null) {
      job.cancel(message);
    }
  }

  private CallJob<I, O> newJob(I input) {
    CallJob<I, O> job =
        new CallJob<>(input, gate == null || keyFn == null ? null : keyFn.apply(input));
    jobs.put(job.result, job);
    job.result.whenComplete((o, t) -> jobs.remove(job.result));
    return job;
  }

  private void admit(CallJob<I, O> job) {
    if (closed) {
      job.shutDown(name);
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

  private void startOnPool(CallJob<I, O> job) {
    try {
      pool.execute(() -> startAttempt(job));
    } catch (RejectedExecutionException e) {
      exitKey(job);
      job.shutDown(name);
    }
  }

  /** In a pool thread: waits out the key's delay without a permit, then runs one attempt. */
  private void startAttempt(CallJob<I, O> job) {
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
        job.shutDown(name);
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
    AttemptRunner<I, O>.Guard guard = attempts.guard(Thread.currentThread(), job);
    long delay = attempts.run(job, guard);
    if (guard.releaseKey()) {
      exitKey(job, delay < 0);
    }
    if (delay >= 0) {
      retryLater(job, delay);
    }
  }

  /** Gives back the attempt's admission and admits the element again after {@code delay}. */
  private void retryLater(CallJob<I, O> job, long delay) {
    if (job.admission != null) {
      job.admission.release();
    }
    Timers.schedule(() -> admit(job), delay);
  }

  private void exitKey(CallJob<I, O> job) {
    exitKey(job, false);
  }

  /** Frees the element's key slot; {@code proven}: the attempt ended the element, not a retry. */
  private void exitKey(CallJob<I, O> job, boolean proven) {
    if (job.key != null) {
      Attempt last = job.lastAttempt;
      gate.exit(job.key, job.keyStart[0], last == null || !last.sentNothingToKey(), proven);
    }
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
}
