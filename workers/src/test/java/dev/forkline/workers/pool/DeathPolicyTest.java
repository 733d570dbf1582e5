package dev.forkline.workers.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A death's kind from exit code and log tail, and what it does to the worker's tasks. */
class DeathPolicyTest {

  private static final String OOM_TAIL =
      "Terminating due to java.lang.OutOfMemoryError: Java heap space";

  private final PoolLock lock = new PoolLock();
  private final Counts counts = new Counts();
  private final List<Worker> workers = new ArrayList<>();
  private final PoolSpec spec =
      PoolSpec.builder("test.echo")
          .withHeap("64m")
          .withTaskTimeout(Duration.ofMillis(400))
          .withCrashRetries(1)
          .withWindow(10)
          .build();
  private final Dispatcher dispatcher = new Dispatcher(spec, lock, counts, workers);
  private final DeathPolicy policy = new DeathPolicy(spec, counts, dispatcher);
  private long nextRequestId = 1;

  private static Worker worker() {
    Worker worker = new Worker(0, Path.of("/nonexistent/worker-0.log"));
    worker.pid = 42;
    worker.state = Worker.State.READY;
    return worker;
  }

  private Task running(Worker worker, String name) {
    Task task = new Task("test.echo", name.getBytes(), System.nanoTime());
    task.requestId = nextRequestId++;
    worker.inFlight.addLast(task);
    return task;
  }

  /** The order in which re-queued tasks go out again, to a fresh worker with room for all. */
  private List<Task> redispatched() {
    Worker fresh = new Worker(1, Path.of("/nonexistent/worker-1.log"));
    fresh.state = Worker.State.READY;
    workers.add(fresh);
    dispatcher.dispatch();
    return new ArrayList<>(fresh.inFlight);
  }

  @Test
  void classifiesFromHowItWasKilledItsExitCodeAndItsLogTail() {
    Worker w = worker();
    assertEquals(TaskResult.CRASH, DeathPolicy.classify(w, 7, ""));
    assertEquals(TaskResult.CRASH, DeathPolicy.classify(w, 137, ""));
    assertEquals(TaskResult.OOM, DeathPolicy.classify(w, 3, "x\n" + OOM_TAIL));
    assertEquals(TaskResult.CRASH, DeathPolicy.classify(w, 3, "exit 3 without the marker"));
    assertEquals(TaskResult.CRASH, DeathPolicy.classify(w, 1, OOM_TAIL), "the marker needs exit 3");
    assertEquals(TaskResult.CRASH, DeathPolicy.classify(w, 0, ""), "an unasked clean exit");

    w.retired = true;
    assertEquals(DeathPolicy.RECYCLED, DeathPolicy.classify(w, 0, ""));
    assertEquals(TaskResult.CRASH, DeathPolicy.classify(w, 1, ""), "retired but failed");
    running(w, "left");
    assertEquals(TaskResult.CRASH, DeathPolicy.classify(w, 0, ""), "retired with a task left");

    Worker killed = worker();
    killed.killedFor = TaskResult.TIMEOUT;
    assertEquals(TaskResult.TIMEOUT, DeathPolicy.classify(killed, 137, ""));
    assertEquals(TaskResult.TIMEOUT, DeathPolicy.classify(killed, 3, OOM_TAIL), "the kill wins");
  }

  @Test
  void aCrashChargesTheRunningTaskAndRetriesItAheadOfTheTasksBehindIt() {
    Worker w = worker();
    Task head = running(w, "head");
    Task behind = running(w, "behind");
    lock.lock();
    try {
      assertEquals(TaskResult.CRASH, policy.onDeath(w, 7, "exit 7", "", System.nanoTime()));
      assertEquals(List.of(head, behind), redispatched());
    } finally {
      lock.unlockAndRun();
    }
    assertEquals(1, head.attempts);
    assertEquals(1, head.crashRetries);
    assertEquals(0, behind.attempts, "queued behind: not charged");
    assertEquals(1, counts.crashDeaths.get());
    assertEquals(1, counts.retries.get());
  }

  @Test
  void aCrashBeyondTheBudgetFailsTheTaskWithTheExit() {
    Worker w = worker();
    Task head = running(w, "head");
    head.attempts = 1;
    head.crashRetries = 1;
    lock.lock();
    try {
      policy.onDeath(w, 7, "exit 7", "the tail", System.nanoTime());
    } finally {
      lock.unlockAndRun();
    }
    TaskResult result = head.future.getNow(null);
    assertEquals(TaskResult.CRASH, result.kind());
    assertEquals(
        "worker 0 (pid 42) died (exit 7) while running the task (2 attempts)", result.message());
    assertEquals(7, result.exitCode());
    assertEquals("exit 7", result.exitDescription());
    assertEquals("the tail", result.stderrTail());
    assertEquals(2, result.attempts());
    assertEquals(1, counts.crashFailures.get());
  }

  @Test
  void anOomFailsTheTaskAtOnceWhateverTheBudget() {
    Worker w = worker();
    Task head = running(w, "head");
    Task behind = running(w, "behind");
    lock.lock();
    try {
      assertEquals(TaskResult.OOM, policy.onDeath(w, 3, "exit 3", OOM_TAIL, System.nanoTime()));
      assertEquals(List.of(behind), redispatched());
    } finally {
      lock.unlockAndRun();
    }
    TaskResult result = head.future.getNow(null);
    assertEquals(TaskResult.OOM, result.kind());
    assertEquals("worker 0 (pid 42) ran out of memory (-Xmx64m)", result.message());
    assertEquals(1, result.attempts());
    assertEquals(0, counts.retries.get());
  }

  @Test
  void aTimeoutChargesOnlyTheTaskThatOverran() {
    Worker w = worker();
    w.killedFor = TaskResult.TIMEOUT;
    w.timedOutRequest = 99; // answered just before the kill; the new head had barely begun
    Task head = running(w, "head");
    lock.lock();
    try {
      assertEquals(TaskResult.TIMEOUT, policy.onDeath(w, 137, "signal 9", "", System.nanoTime()));
      assertEquals(List.of(head), redispatched());
    } finally {
      lock.unlockAndRun();
    }
    assertEquals(0, head.attempts);
    assertEquals(1, counts.timeoutDeaths.get());
    assertEquals(0, counts.retries.get());
  }

  @Test
  void aTimedOutTaskOutOfBudgetFailsAsTimeout() {
    Worker w = worker();
    w.killedFor = TaskResult.TIMEOUT;
    Task head = running(w, "head");
    head.crashRetries = 1;
    w.timedOutRequest = head.requestId;
    lock.lock();
    try {
      policy.onDeath(w, 137, "signal 9 (SIGKILL)", "", System.nanoTime());
    } finally {
      lock.unlockAndRun();
    }
    TaskResult result = head.future.getNow(null);
    assertEquals(TaskResult.TIMEOUT, result.kind());
    assertEquals(
        "ran longer than the task timeout of 400 ms; worker 0 (pid 42) was killed",
        result.message());
  }

  @Test
  void aRecycledWorkerIsCountedAndOwesNothing() {
    Worker w = worker();
    w.retired = true;
    lock.lock();
    try {
      assertEquals(DeathPolicy.RECYCLED, policy.onDeath(w, 0, "exit 0", "", System.nanoTime()));
    } finally {
      lock.unlockAndRun();
    }
    assertEquals(1, counts.recycled.get());
    assertEquals(0, counts.crashDeaths.get());
    assertFalse(w.inFlight.iterator().hasNext());
    assertTrue(workers.isEmpty());
  }
}
