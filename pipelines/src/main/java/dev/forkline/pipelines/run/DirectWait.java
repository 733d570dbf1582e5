package dev.forkline.pipelines.run;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.beam.sdk.PipelineResult;

/**
 * Waits for a Direct run without sleeping past its end. The Direct runner's own wait looks for news
 * every 25 ms, and its state turns DONE without news: each run's wait slept 0 to 25 ms past its
 * end. Here a thread of its own waits as before, for the exception a failed run throws, while the
 * caller reads the state each millisecond: DONE ends the wait at once; any other end waits for that
 * thread, which has the failure (the runner queues it before the state turns FAILED).
 */
final class DirectWait {
  private final PipelineResult result;
  private final CompletableFuture<PipelineResult.State> waited = new CompletableFuture<>();

  DirectWait(PipelineResult result) {
    this.result = result;
    Thread waiter =
        new Thread(
            () -> {
              try {
                waited.complete(result.waitUntilFinish());
              } catch (Throwable e) {
                waited.completeExceptionally(e);
              }
            },
            "forkline-await");
    waiter.setDaemon(true);
    waiter.start();
  }

  /** The run's state, terminal as soon as it ends, or after {@code tick} if it has not. */
  PipelineResult.State await(Duration tick) {
    long until = System.nanoTime() + tick.toNanos();
    while (true) {
      if (waited.isDone()) {
        return join();
      }
      PipelineResult.State state = result.getState();
      if (state == PipelineResult.State.DONE) {
        return state;
      }
      if (state.isTerminal()) {
        return join();
      }
      long left = until - System.nanoTime();
      if (left <= 0) {
        return state;
      }
      try {
        waited.get(Math.min(left, 1_000_000L), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // not ended yet, or ended with an exception: the next turn reads it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // as the runner's own wait does: give up waiting
        throw new PipelineFailedException("interrupted while waiting for the pipeline", e);
      }
    }
  }

  private PipelineResult.State join() {
    try {
      return waited.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }
}
