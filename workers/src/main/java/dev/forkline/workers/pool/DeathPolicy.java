package dev.forkline.workers.pool;

import java.util.ArrayList;
import java.util.List;

/**
 * What the death of a ready worker means for its tasks. Classifies it as {@code crash}, {@code
 * oom}, {@code timeout} or a recycled worker's planned exit, from why the pool killed it, its exit
 * code and the tail of its log; then charges the running task an attempt, re-queues the tasks
 * behind it uncharged, and retries the charged task or fails it. Runs under the pool's lock.
 */
final class DeathPolicy {

  /** The death kind of a worker that exited after its last task, as asked. */
  static final String RECYCLED = "recycled";

  /** What a JVM with -XX:+ExitOnOutOfMemoryError prints before it exits with code 3. */
  private static final String OOM_MARKER = "Terminating due to java.lang.OutOfMemoryError";

  private final PoolSpec spec;
  private final Counts counts;
  private final Dispatcher dispatcher;

  DeathPolicy(PoolSpec spec, Counts counts, Dispatcher dispatcher) {
    this.spec = spec;
    this.counts = counts;
    this.dispatcher = dispatcher;
  }

  /**
   * The kind of a worker's death: a task kind ({@code timeout}, {@code oom}, {@code crash}) or
   * {@link #RECYCLED}.
   */
  static String classify(Worker worker, Integer code, String tail) {
    if (TaskResult.TIMEOUT.equals(worker.killedFor)) {
      return TaskResult.TIMEOUT;
    }
    if (code != null && code == 3 && tail.contains(OOM_MARKER)) {
      return TaskResult.OOM;
    }
    if (worker.retired && worker.inFlight.isEmpty() && code != null && code == 0) {
      return RECYCLED;
    }
    return TaskResult.CRASH;
  }

  /**
   * Classifies and counts a ready worker's death, then settles its tasks unless it was recycled.
   *
   * @param exit the exit in words; {@code tail} the last lines of its log
   * @return the kind of death
   */
  String onDeath(Worker worker, Integer code, String exit, String tail, long now) {
    String kind = classify(worker, code, tail);
    counts.forDeath(kind).incrementAndGet();
    if (RECYCLED.equals(kind)) {
      return kind;
    }
    Task head = worker.inFlight.pollFirst();
    boolean charge = head != null;
    if (TaskResult.TIMEOUT.equals(kind)
        && head != null
        && head.requestId != worker.timedOutRequest) {
      charge = false; // the overrunning task answered just before the kill; this one barely began
    }
    List<Task> requeue = new ArrayList<>(worker.inFlight);
    worker.inFlight.clear();
    if (head != null && !charge) {
      requeue.add(0, head);
    }
    dispatcher.requeueFirst(requeue);
    if (charge) {
      charge(head, worker, kind, code, exit, tail, now);
    }
    return kind;
  }

  /** Charges the task that was running an attempt, then retries it or fails it as {@code kind}. */
  private void charge(
      Task head, Worker worker, String kind, Integer code, String exit, String tail, long now) {
    head.attempts++;
    // Out of memory is not retried: the same task in the same heap runs out again, and each try
    // costs a worker JVM. Crashes and timeouts may be passing (a signal, a loaded machine).
    if (!TaskResult.OOM.equals(kind) && head.crashRetries < spec.crashRetries()) {
      head.crashRetries++;
      counts.retries.incrementAndGet();
      dispatcher.requeueFirst(head);
    } else {
      long ranMicros = (now - worker.headStartNanos) / 1000;
      dispatcher.finish(
          head,
          TaskResult.death(
              kind,
              deathMessage(worker, kind, exit, head.attempts),
              worker.id,
              worker.pid,
              code,
              exit,
              tail,
              head.attempts,
              ranMicros,
              head.totalMicros()));
    }
  }

  private String deathMessage(Worker worker, String kind, String exit, int attempts) {
    String what =
        switch (kind) {
          case TaskResult.TIMEOUT ->
              "ran longer than the task timeout of "
                  + spec.taskTimeout().toMillis()
                  + " ms; "
                  + worker.name()
                  + " was killed";
          case TaskResult.OOM ->
              worker.name() + " ran out of memory (" + PoolSpec.heapFlag(spec.heapBytes()) + ")";
          default -> worker.name() + " died (" + exit + ") while running the task";
        };
    return what + (attempts > 1 ? " (" + attempts + " attempts)" : "");
  }
}
