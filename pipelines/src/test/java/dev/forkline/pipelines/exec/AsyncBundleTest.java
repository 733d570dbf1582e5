package dev.forkline.pipelines.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** The end of an asynchronous bundle: what finishes goes out at once, the rest at the deadline. */
class AsyncBundleTest {
  private static AsyncBundle.Pending<String, String> pending(
      AsyncBundle<String, String> bundle, String input, CompletableFuture<String> future) {
    AsyncBundle.Pending<String, String> p =
        new AsyncBundle.Pending<>(input, new Instant(0), GlobalWindow.INSTANCE, future);
    bundle.add(p);
    return p;
  }

  @Test
  void finishEmitsEachElementAsItCompletes() throws Exception {
    AsyncBundle<String, String> bundle = new AsyncBundle<>("test");
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<String> last = new CompletableFuture<>();
    pending(bundle, "a", first);
    pending(bundle, "b", last);
    CountDownLatch firstEmitted = new CountDownLatch(1);
    Thread worker =
        new Thread(
            () -> {
              first.complete("A");
              try {
                // The last element finishes only once the first is out: finish() must not wait
                // for the whole bundle before emitting anything.
                if (firstEmitted.await(10, TimeUnit.SECONDS)) {
                  last.complete("B");
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    worker.start();
    List<String> out = new ArrayList<>();
    bundle.finish(
        TimeUnit.SECONDS.toNanos(20),
        p -> p.future.complete("cancelled"),
        p -> {
          out.add(p.result());
          firstEmitted.countDown();
        });
    worker.join();
    assertEquals(List.of("A", "B"), out);
  }

  @Test
  void elementsNotDoneAtTheDeadlineAreCancelledAndEmittedOnce() throws Exception {
    AsyncBundle<String, String> bundle = new AsyncBundle<>("test");
    pending(bundle, "done", CompletableFuture.completedFuture("D"));
    pending(bundle, "stuck", new CompletableFuture<>());
    List<String> cancelled = new ArrayList<>();
    List<String> out = new ArrayList<>();
    long start = System.nanoTime();
    bundle.finish(
        TimeUnit.MILLISECONDS.toNanos(200),
        p -> {
          cancelled.add(p.input);
          p.future.complete("X");
        },
        p -> out.add(p.result()));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(List.of("stuck"), cancelled);
    assertEquals(2, out.size());
    assertTrue(out.containsAll(List.of("D", "X")), out.toString());
    assertTrue(ms >= 150, "cancelled before the deadline: " + ms + " ms");
  }
}
