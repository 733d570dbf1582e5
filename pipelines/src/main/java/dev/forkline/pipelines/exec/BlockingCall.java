package dev.forkline.pipelines.exec;

import java.io.IOException;
import java.io.Serializable;

/**
 * A blocking per-element call: an HTTP fetch, a file read, or "send this task to a worker process
 * and wait". The same object runs inline, on a thread pool ({@link Threaded}) or as a stage of a
 * {@link StageChain}.
 *
 * <p>Throw {@link StageException} for a failure the call recognises (its kind goes to the result
 * row), {@link RetryableException} for one worth another attempt; anything else is classified by
 * {@link #classify} and not retried. A call should stop promptly when its thread is interrupted
 * (the deadline of an attempt is enforced that way) and may read the time it has left from the
 * {@link Attempt}, for example to give an HTTP client its own timeout.
 */
@FunctionalInterface
public interface BlockingCall<I, O> extends Serializable {
  /** Processes one element. */
  O call(I input, Attempt attempt) throws Exception;

  /** The failure kind of an unexpected exception: {@code io} for I/O, else {@code internal}. */
  default String classify(Exception e) {
    return (e instanceof IOException ? FailureKind.IO : FailureKind.INTERNAL).label();
  }

  /**
   * Called once per JVM before the first element, from the executor that owns the call (for example
   * to start the worker processes it sends tasks to).
   */
  default void setup() throws Exception {}

  /** Called once per JVM after the last element; releases what {@link #setup} took. */
  default void teardown() {}

  /**
   * Reports the call's own metrics (a process pool's worker starts and deaths). Called from a
   * DoFn's thread, where Beam metrics must be updated, after elements finish.
   */
  default void reportMetrics(StageMetrics metrics) {}
}
