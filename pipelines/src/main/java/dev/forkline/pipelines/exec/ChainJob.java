package dev.forkline.pipelines.exec;

import java.util.concurrent.CompletableFuture;

/** One element on its way through the stages, with each stage's outcome. */
final class ChainJob<T extends Tracked<T>> {
  final T input;
  PermitAdmission admission;
  final Outcome<?>[] outcomes;
  T current;
  volatile CompletableFuture<? extends Outcome<T>> running;
  volatile int runningStage = -1;

  ChainJob(T input, int stages) {
    this.input = input;
    this.current = input;
    this.outcomes = new Outcome<?>[stages];
  }

  ChainJob<T> after(int index, String stage, Outcome<T> outcome) {
    outcomes[index] = outcome;
    running = null;
    T next;
    if (outcome.ok()) {
      next = outcome.value();
    } else {
      next = current.copy();
      next.fail(new Failure(stage, outcome.kind(), outcome.message()));
    }
    next.addStageMillis(stage, outcome.callNanos() / 1_000_000);
    next.recordAttempts(stage, outcome.attempts());
    current = next;
    return this;
  }

  /** A job that ends here with a failure in {@code stage}, for cancellations and bugs. */
  ChainJob<T> endedWith(int index, String stage, String kind, String message) {
    ChainJob<T> ended = new ChainJob<>(input, outcomes.length);
    System.arraycopy(outcomes, 0, ended.outcomes, 0, Math.max(0, index));
    ended.current = input;
    return ended.after(index, stage, Outcome.failed(kind, message, 0, 0, 0));
  }
}
