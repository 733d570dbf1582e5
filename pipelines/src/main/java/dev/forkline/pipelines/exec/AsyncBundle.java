package dev.forkline.pipelines.exec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The elements of one bundle of a DoFn that works asynchronously: what was started, what finished
 * and can be emitted now, and what must wait for the end of the bundle. Used only from the DoFn's
 * own thread (Beam's outputs may not be called from other threads); the futures complete anywhere.
 *
 * <p>A finished element is emitted from {@code @ProcessElement} when it belongs to the window of
 * the element being processed and its timestamp is not earlier (the only outputs Beam allows
 * there); all others at the end of the bundle, each with its own timestamp and window. The end of
 * the bundle checks that every element started was emitted exactly once.
 */
final class AsyncBundle<I, R> {
  /** One element in flight, with what is needed to emit its result where it belongs. */
  static final class Pending<I, R> {
    final I input;
    final Instant timestamp;
    final BoundedWindow window;
    final CompletableFuture<R> future;

    /** What the DoFn needs to cancel the element at the bundle's deadline. */
    Object context;

    Pending(I input, Instant timestamp, BoundedWindow window, CompletableFuture<R> future) {
      this.input = input;
      this.timestamp = timestamp;
      this.window = window;
      this.future = future;
    }

    R result() {
      return future.join();
    }
  }

  private final String stage;
  private final Set<Pending<I, R>> pending = Collections.newSetFromMap(new IdentityHashMap<>());
  private final LinkedBlockingQueue<Pending<I, R>> completed = new LinkedBlockingQueue<>();
  private final List<Pending<I, R>> held = new ArrayList<>();
  private long started;
  private long emitted;

  /** How long, after cancelling, the cancelled elements' completion callbacks may take. */
  private static final long CANCELLED_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

  AsyncBundle(String stage) {
    this.stage = stage;
  }

  /** Forgets the previous bundle, which {@link #finish} emptied. */
  void reset() {
    pending.clear();
    completed.clear();
    held.clear();
    started = 0;
    emitted = 0;
  }

  /** Tracks a started element; its future must complete normally. */
  void add(Pending<I, R> element) {
    started++;
    pending.add(element);
    element.future.whenComplete((r, t) -> completed.add(element));
  }

  /** Emits, through {@code emit}, the finished elements that may go out with the current one. */
  void emitReady(BoundedWindow window, Instant timestamp, Consumer<Pending<I, R>> emit) {
    Pending<I, R> done;
    while ((done = completed.poll()) != null) {
      if (!pending.remove(done)) {
        continue; // emitted already, at the end of an earlier bundle
      }
      if (done.window.equals(window) && !done.timestamp.isBefore(timestamp)) {
        emit.accept(done);
        emitted++;
      } else {
        held.add(done);
      }
    }
  }

  /**
   * Emits the rest of the bundle through {@code emit} as each element finishes, so the steps after
   * this one (the table's writer) work on them meanwhile instead of after the last; once no element
   * has finished for {@code timeoutNanos}, hands those not finished to {@code cancel}, which must
   * complete their futures. A deadline of progress, not of the whole bundle: a bundle of one polite
   * host's URLs may rightly take hours. Checks that each element started was emitted once.
   */
  void finish(long timeoutNanos, Consumer<Pending<I, R>> cancel, Consumer<Pending<I, R>> emit)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    for (Pending<I, R> element : held) {
      emit.accept(element);
      emitted++;
    }
    held.clear();
    boolean cancelled = false;
    while (!pending.isEmpty()) {
      long left = deadline - System.nanoTime();
      // After the deadline, only the completion callbacks of the cancelled elements are awaited.
      Pending<I, R> done =
          completed.poll(
              cancelled ? CANCELLED_WAIT_NANOS : Math.max(0, left), TimeUnit.NANOSECONDS);
      if (done == null) {
        if (cancelled) {
          throw new IllegalStateException(
              "bug in forkline: stage " + stage + " could not cancel an element at the deadline");
        }
        if (System.nanoTime() - deadline >= 0) {
          cancelUnfinished(cancel);
          cancelled = true;
        }
        continue;
      }
      if (!pending.remove(done)) {
        continue; // emitted already, in @ProcessElement
      }
      if (!cancelled) {
        deadline = System.nanoTime() + timeoutNanos;
      }
      checkOutcome(done);
      emit.accept(done);
      emitted++;
    }
    completed.clear();
    if (emitted != started) {
      throw new IllegalStateException(
          "bug in forkline: stage "
              + stage
              + " started "
              + started
              + " elements in a bundle but emitted "
              + emitted);
    }
  }

  /** Hands every element not finished to {@code cancel}, which must complete its future. */
  private void cancelUnfinished(Consumer<Pending<I, R>> cancel) {
    for (Pending<I, R> element : new ArrayList<>(pending)) {
      if (!element.future.isDone()) {
        cancel.accept(element);
        if (!element.future.isDone()) {
          throw new IllegalStateException(
              "bug in forkline: stage " + stage + " could not cancel an element at the deadline");
        }
      }
    }
  }

  /** An element's future holds its outcome; an exception there is forkline's bug. */
  private void checkOutcome(Pending<I, R> done) {
    if (done.future.isCompletedExceptionally()) {
      try {
        done.future.join();
      } catch (CompletionException | CancellationException e) {
        throw new IllegalStateException(
            "bug in forkline: stage " + stage + " lost an element's outcome", e.getCause());
      }
    }
  }

  /** Elements started and not yet emitted. */
  int open() {
    return pending.size() + held.size();
  }
}
