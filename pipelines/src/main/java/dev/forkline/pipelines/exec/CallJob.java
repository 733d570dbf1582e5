package dev.forkline.pipelines.exec;

import java.util.concurrent.CompletableFuture;

/** One element's way through a {@link CallExecutor}: its key, its attempts and its outcome. */
final class CallJob<I, O> {
  final I input;
  volatile String key;
  volatile boolean resolved;
  final long submitted = System.nanoTime();
  final CompletableFuture<Outcome<O>> result = new CompletableFuture<>();
  volatile AttemptRunner<I, O>.Guard running;
  CallExecutor.Admission admission;
  StageException previous;
  volatile Attempt lastAttempt;
  final long[] keyStart = new long[1];
  int attempts;
  long deadline;
  long callNanos;

  CallJob(I input, String key) {
    this.input = input;
    this.key = key;
  }

  void finish(Outcome<O> outcome) {
    result.complete(outcome);
  }

  /** Fails the element now as {@code timeout} and interrupts its running attempt, if any. */
  void cancel(String message) {
    AttemptRunner<I, O>.Guard guard = running;
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

  /** Ends the element as {@code cancelled}: its stage shut down before it could finish. */
  void shutDown(String stage) {
    finish(Outcome.failed("cancelled", "stage " + stage + " was shut down", attempts, 0, 0));
  }
}
