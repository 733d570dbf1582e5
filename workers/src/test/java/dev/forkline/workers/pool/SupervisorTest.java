package dev.forkline.workers.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start failures, back-off and the broken state, driven round by round with a Java command that
 * does not exist: no JVM starts and the supervisor's thread never runs.
 */
class SupervisorTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @TempDir Path folder;

  private final PoolLock lock = new PoolLock();
  private final Counts counts = new Counts();
  private final List<Worker> workers = new ArrayList<>();
  private final PoolSpec spec =
      PoolSpec.builder("test.echo").withWorkers(2).withJavaCommand("/no/such/java").build();
  private final Dispatcher dispatcher = new Dispatcher(spec, lock, counts, workers);

  private Supervisor supervisor() {
    return new Supervisor(
        spec,
        0,
        folder,
        folder.resolve("pool.sock"),
        lock,
        counts,
        workers,
        dispatcher,
        new DeathPolicy(spec, counts, dispatcher));
  }

  /** A round at {@code now}, then the spawn of what it planned (each fails at once). */
  private List<Integer> roundAndSpawn(Supervisor supervisor, long now) {
    List<Worker> plan;
    lock.lock();
    try {
      plan = supervisor.round(now);
    } finally {
      lock.unlockAndRun();
    }
    List<Integer> ids = new ArrayList<>();
    for (Worker worker : plan) {
      ids.add(worker.id);
      supervisor.spawn(worker);
    }
    return ids;
  }

  @Test
  void failedStartsBackOffProbeOneWorkerAtATimeAndThenFailQueuedTasks() throws Exception {
    Supervisor supervisor = supervisor();
    long t = 1_000 * MS;
    assertEquals(List.of(0, 1), roundAndSpawn(supervisor, t), "the spec's two workers");
    assertEquals(2, workers.size());

    Task queued = new Task("test.echo", new byte[0], System.nanoTime());
    lock.lock();
    try {
      dispatcher.enqueue(queued);
    } finally {
      lock.unlockAndRun();
    }
    // Both exits are handled; the next spawn waits 200 ms (two failures in a row).
    assertEquals(List.of(), roundAndSpawn(supervisor, t));
    assertTrue(workers.isEmpty());
    assertEquals(List.of(), roundAndSpawn(supervisor, t + 199 * MS));
    assertFalse(queued.future.isDone(), "two failures: the task still waits");
    assertEquals(List.of(2), roundAndSpawn(supervisor, t + 200 * MS), "one probe, not two");

    assertEquals(List.of(), roundAndSpawn(supervisor, t + 200 * MS));
    TaskResult result = queued.future.getNow(null);
    assertEquals(TaskResult.CRASH, result.kind());
    assertTrue(
        result
            .message()
            .startsWith(
                "no worker could be started (3 failed in a row): worker 2 could not start (could"
                    + " not run /no/such/java: "),
        result.message());
    assertEquals(3, counts.startFailures.get());
    assertEquals(0, counts.workerStarts.get());
    lock.lock();
    try {
      assertTrue(supervisor.broken());
      supervisor.started();
      assertFalse(supervisor.broken(), "a hello ends it");
    } finally {
      lock.unlock();
    }
  }

  @Test
  void theBackOffDoublesUpToFiveSeconds() {
    PoolSpec one =
        PoolSpec.builder("test.echo").withWorkers(1).withJavaCommand("/no/such/java").build();
    Dispatcher d = new Dispatcher(one, lock, counts, workers);
    Supervisor supervisor =
        new Supervisor(
            one,
            0,
            folder,
            folder.resolve("s"),
            lock,
            counts,
            workers,
            d,
            new DeathPolicy(one, counts, d));
    long t = 0;
    assertEquals(1, roundAndSpawn(supervisor, t).size());
    long[] waits = {100, 200, 400, 800, 1600, 3200, 5000, 5000};
    for (long wait : waits) {
      assertEquals(List.of(), roundAndSpawn(supervisor, t), "the exit, then the back-off");
      assertEquals(List.of(), roundAndSpawn(supervisor, t + wait * MS - 1));
      t += wait * MS;
      assertEquals(1, roundAndSpawn(supervisor, t).size(), "after " + wait + " ms");
    }
  }

  @Test
  void aClosedPoolPlansNoSpawns() {
    Supervisor supervisor = supervisor();
    lock.lock();
    try {
      assertNull(supervisor.lastStartFailure());
      lock.setClosed();
      assertTrue(supervisor.planSpawns(0).isEmpty());
    } finally {
      lock.unlock();
    }
  }
}
