package dev.forkline.workers.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.testkernels.TestKernels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The pool with real worker JVMs: the happy path and each fault. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerPoolTest {

  static PoolSpec.Builder spec(String... kernels) {
    return PoolSpec.builder(kernels)
        .withWorkers(1)
        .withHeap("64m")
        .withTaskTimeout(Duration.ofSeconds(20));
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static long pid(WorkerPool pool) throws InterruptedException {
    TaskResult result = pool.call("test.pid", new byte[0]);
    assertTrue(result.ok(), result.toString());
    return Long.parseLong(text(result.payload()));
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  static void assertHealthy(WorkerPool pool) throws InterruptedException {
    TaskResult after = pool.call("test.echo", bytes("still serving"));
    assertTrue(after.ok(), after.toString());
    assertEquals("still serving", text(after.payload()));
  }

  @Test
  void everyTaskGetsItsOwnResult() throws Exception {
    try (WorkerPool pool = WorkerPool.start(spec("test.echo").withWorkers(2).build())) {
      List<CompletableFuture<TaskResult>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        futures.add(pool.submit("test.echo", bytes("task " + i)));
      }
      Set<Long> pids = new HashSet<>();
      for (int i = 0; i < 200; i++) {
        TaskResult result = futures.get(i).get();
        assertTrue(result.ok(), result.toString());
        assertEquals("task " + i, text(result.payload()));
        assertEquals(1, result.attempts());
        pids.add(result.pid());
      }
      assertEquals(2, pids.size(), "both workers served");
      PoolCounters counters = pool.drainCounters();
      assertEquals(200, counters.tasksOk());
      assertEquals(0, counters.tasksFailed());
      assertEquals(2, counters.workerStarts());
      assertEquals(2, counters.liveWorkers());
      assertEquals(0, pool.drainCounters().tasksOk(), "drained counters restart from zero");
    }
  }

  @Test
  void workersStartWithTheirKernelsDefaultJvmFlags() throws Exception {
    try (WorkerPool pool = WorkerPool.start(spec("test.jvm-flag").build())) {
      TaskResult result = pool.call("test.jvm-flag", new byte[0]);
      assertTrue(result.ok(), result.toString());
      assertEquals("from-kernel", text(result.payload()));
    }
  }

  @Test
  void workersOfAJvmThatKeepsItsPoolsStartWithTheKernelsKeptFlags() throws Exception {
    WorkerPools.keepIdlePools(1);
    try (WorkerPool pool = WorkerPool.start(spec("test.jvm-flag").build())) {
      TaskResult result = pool.call("test.jvm-flag", new byte[0]);
      assertTrue(result.ok(), result.toString());
      assertEquals("from-kernel-kept", text(result.payload()));
    } finally {
      WorkerPools.keepIdlePools(0);
    }
  }

  @Test
  void thePoolsOwnJvmFlagsWinOverTheKernelsDefaults() throws Exception {
    PoolSpec spec =
        spec("test.jvm-flag").withJvmFlags(List.of("-Dforkline.test.flag=from-pool")).build();
    try (WorkerPool pool = WorkerPool.start(spec)) {
      TaskResult result = pool.call("test.jvm-flag", new byte[0]);
      assertTrue(result.ok(), result.toString());
      assertEquals("from-pool", text(result.payload()));
    }
  }

  @Test
  void aKernelExceptionIsATaskErrorAndTheWorkerLivesOn() throws Exception {
    try (WorkerPool pool = WorkerPool.start(spec("test.throw", "test.pid", "test.echo").build())) {
      long before = pid(pool);
      TaskResult result = pool.call("test.throw", bytes("boom"));

      assertEquals(TaskResult.TASK_ERROR, result.kind());
      assertFalse(result.ok());
      assertEquals("java.lang.IllegalStateException: boom", result.message());
      assertEquals("java.lang.IllegalStateException", result.errorClass());
      assertTrue(result.remoteStackTrace().contains("TestKernels$Throw.apply"));
      assertEquals(1, result.attempts());
      assertEquals(before, result.pid());
      assertEquals(before, pid(pool), "same worker afterwards");
      PoolCounters counters = pool.drainCounters();
      assertEquals(1, counters.taskErrors());
      assertEquals(0, counters.crashDeaths());
    }
  }

  @Test
  void aKernelExceptionIsRetriedWhenAsked() throws Exception {
    try (WorkerPool pool =
        WorkerPool.start(spec("test.throw", "test.echo").withTaskErrorRetries(2).build())) {
      TaskResult result = pool.call("test.throw", bytes("always"));
      assertEquals(TaskResult.TASK_ERROR, result.kind());
      assertEquals(3, result.attempts());
      assertEquals(2, pool.drainCounters().retries());
      assertHealthy(pool);
    }
  }

  @Test
  void aCrashIsRetriedWithinItsBudgetThenReportedWithTheExit() throws Exception {
    try (WorkerPool pool =
        WorkerPool.start(spec("test.crash", "test.echo").withCrashRetries(1).build())) {
      TaskResult result = pool.call("test.crash", bytes("7"));

      assertEquals(TaskResult.CRASH, result.kind());
      assertEquals(7, result.exitCode());
      assertEquals("exit 7", result.exitDescription());
      assertEquals(2, result.attempts());
      assertTrue(result.pid() > 0);
      assertTrue(result.message().contains("died (exit 7)"), result.message());
      assertHealthy(pool);
      PoolCounters counters = pool.drainCounters();
      assertEquals(2, counters.crashDeaths());
      assertEquals(1, counters.crashFailures());
      assertEquals(1, counters.tasksOk());
      assertEquals(3, counters.workerStarts(), "the first worker and two replacements");
    }
  }

  @Test
  void tasksQueuedOnACrashedWorkerAreNotCharged() throws Exception {
    try (WorkerPool pool =
        WorkerPool.start(
            spec("test.crash", "test.echo").withWindow(4).withCrashRetries(0).build())) {
      // The crash waits 300 ms, so the three echoes are queued on the same worker when it dies.
      CompletableFuture<TaskResult> crash = pool.submit("test.crash", bytes("5 300"));
      List<CompletableFuture<TaskResult>> queued = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        queued.add(pool.submit("test.echo", bytes("queued " + i)));
      }
      assertEquals(4, pool.workerInfo().get(0).inFlight(), "all four sent to the one worker");

      assertEquals(TaskResult.CRASH, crash.get().kind());
      assertEquals(1, crash.get().attempts());
      for (int i = 0; i < 3; i++) {
        TaskResult result = queued.get(i).get();
        assertTrue(result.ok(), "a crash budget of 0 would fail a charged task: " + result);
        assertEquals("queued " + i, text(result.payload()));
        assertEquals(1, result.attempts());
        assertNotEquals(crash.get().pid(), result.pid());
      }
    }
  }

  @Test
  void aHungTaskTimesOutItsWorkerIsKilledAndReplaced() throws Exception {
    try (WorkerPool pool =
        WorkerPool.start(
            spec("test.hang", "test.echo")
                .withTaskTimeout(Duration.ofMillis(400))
                .withCrashRetries(1)
                .build())) {
      TaskResult result = pool.call("test.hang", new byte[0]);

      assertEquals(TaskResult.TIMEOUT, result.kind());
      assertEquals(2, result.attempts());
      assertEquals("signal 9 (SIGKILL)", result.exitDescription());
      assertTrue(result.workerMicros() >= 400_000, "ran " + result.workerMicros() + " us");
      assertFalse(alive(result.pid()), "the hung worker is gone");
      assertHealthy(pool);
      PoolCounters counters = pool.drainCounters();
      assertEquals(2, counters.timeoutDeaths());
      assertEquals(1, counters.timeoutFailures());
    }
  }

  @Test
  void aTaskDeadlineStartsWhenTheWorkerStartsIt() throws Exception {
    try (WorkerPool pool =
        WorkerPool.start(
            spec("test.sleep")
                .withWindow(2)
                .withTaskTimeout(Duration.ofMillis(700))
                .withCrashRetries(0)
                .build())) {
      // Both go to the one worker at once; the second waits ~450 ms there, then runs ~450 ms.
      CompletableFuture<TaskResult> first = pool.submit("test.sleep", bytes("450 a"));
      CompletableFuture<TaskResult> second = pool.submit("test.sleep", bytes("450 b"));
      assertTrue(first.get().ok(), first.get().toString());
      assertTrue(second.get().ok(), second.get().toString());
      assertTrue(second.get().totalMicros() > 700_000, "queued time is not run time");
      assertEquals(0, pool.drainCounters().timeoutDeaths());
    }
  }

  @Test
  void runningOutOfMemoryIsAnOomAndNotRetried() throws Exception {
    try (WorkerPool pool =
        WorkerPool.start(
            spec("test.oom", "test.echo").withHeap("32m").withCrashRetries(1).build())) {
      TaskResult result = pool.call("test.oom", new byte[0]);

      assertEquals(TaskResult.OOM, result.kind());
      assertEquals(3, result.exitCode());
      assertEquals(1, result.attempts());
      assertTrue(result.stderrTail().contains("java.lang.OutOfMemoryError"), result.stderrTail());
      assertTrue(result.message().contains("ran out of memory (-Xmx32m)"), result.message());
      assertHealthy(pool);
      assertEquals(1, pool.drainCounters().oomDeaths());
    }
  }

  @Test
  void killingAWorkerMidRunLosesAndDuplicatesNothing() throws Exception {
    int tasks = 1000;
    try (WorkerPool pool = WorkerPool.start(spec("test.sleep").withWorkers(2).build())) {
      AtomicInteger done = new AtomicInteger();
      List<CompletableFuture<TaskResult>> futures = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        futures.add(
            pool.submit("test.sleep", bytes("1 task-" + i))
                .whenComplete((r, e) -> done.incrementAndGet()));
      }
      while (done.get() < tasks / 3) {
        Thread.sleep(5);
      }
      List<WorkerInfo> workers = pool.workerInfo();
      long victim = workers.get(new Random().nextInt(workers.size())).pid();
      ProcessHandle.of(victim).orElseThrow().destroyForcibly();
      int doneAtKill = done.get();

      Set<String> seen = new HashSet<>();
      for (int i = 0; i < tasks; i++) {
        TaskResult result = futures.get(i).get();
        assertTrue(result.ok(), result.toString());
        assertEquals("1 task-" + i, text(result.payload()));
        assertTrue(seen.add(text(result.payload())));
      }
      assertTrue(doneAtKill < tasks, "the kill came mid-run");
      PoolCounters counters = pool.drainCounters();
      assertEquals(tasks, counters.tasksOk(), "each task answered exactly once");
      assertEquals(0, counters.tasksFailed());
      assertEquals(1, counters.crashDeaths());
      assertEquals(3, counters.workerStarts());
    }
  }

  @Test
  void workersAreRecycledAfterMaxTasks() throws Exception {
    try (WorkerPool pool =
        WorkerPool.start(spec("test.pid", "test.echo").withMaxTasksPerWorker(5).build())) {
      List<Long> pids = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        pids.add(pid(pool));
      }
      assertEquals(1, new HashSet<>(pids.subList(0, 5)).size());
      assertEquals(1, new HashSet<>(pids.subList(5, 10)).size());
      assertEquals(3, new HashSet<>(pids).size(), pids.toString());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      long recycled = 0;
      while (recycled < 2 && System.nanoTime() < deadline) {
        recycled += pool.drainCounters().recycledWorkers();
        Thread.sleep(20);
      }
      assertEquals(2, recycled);
      assertFalse(alive(pids.get(0)));
      assertFalse(alive(pids.get(5)));
    }
  }

  @Test
  void garbageOnAWorkersStdoutDoesNotBreakTheProtocol() throws Exception {
    try (WorkerPool pool =
        WorkerPool.start(spec("test.stdout-garbage", "test.echo", "test.throw").build())) {
      for (int i = 0; i < 20; i++) {
        TaskResult result = pool.call("test.stdout-garbage", bytes("payload " + i));
        assertTrue(result.ok(), result.toString());
        assertEquals("payload " + i, text(result.payload()));
      }
      TaskResult error = pool.call("test.throw", bytes("x"));
      assertTrue(error.stderrTail().contains("garbage on stdout"), "stdout went to the log");
      assertEquals(0, pool.drainCounters().crashDeaths());
    }
  }

  @Test
  void closeFailsUnfinishedTasksAndLeavesNoChild() throws Exception {
    WorkerPool pool = WorkerPool.start(spec("test.hang", "test.echo").withWorkers(2).build());
    List<Long> pids = pool.workerInfo().stream().map(WorkerInfo::pid).toList();
    CompletableFuture<TaskResult> hung = pool.submit("test.hang", new byte[0]);
    assertTrue(pids.stream().allMatch(WorkerPoolTest::alive));

    pool.close();

    for (long pid : pids) {
      assertFalse(alive(pid), "worker " + pid + " outlived close()");
    }
    assertTrue(ProcessHandle.current().children().noneMatch(c -> pids.contains(c.pid())));
    assertEquals(TaskResult.POOL_CLOSED, hung.get(1, TimeUnit.SECONDS).kind());
    assertEquals(TaskResult.POOL_CLOSED, pool.call("test.echo", bytes("late")).kind());
    pool.close(); // a second close is a no-op
  }

  @Test
  void aKernelOutsideThePoolsSpecIsATaskError() throws Exception {
    try (WorkerPool pool = WorkerPool.start(spec("test.echo").build())) {
      TaskResult result = pool.call("test.pid", new byte[0]);
      assertEquals(TaskResult.TASK_ERROR, result.kind());
      assertTrue(result.message().contains("not one of this pool's kernels"), result.message());
      assertHealthy(pool);
    }
  }

  @Test
  void aWorkerThatCannotStartFailsStartWithItsLog() {
    IOException e =
        assertThrows(
            IOException.class,
            () -> WorkerPool.start(spec("test.echo").withClasspath("/no/such/dir").build()));
    assertTrue(e.getMessage().contains("could not start (exit 1)"), e.getMessage());
    assertTrue(
        e.getMessage().contains("Could not find or load main class " + WorkerMain.class.getName()),
        e.getMessage());
  }

  @Test
  void aBadJvmFlagFailsStartWithTheJvmsMessage() {
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                WorkerPool.start(
                    spec("test.echo").withJvmFlags("-XX:+NoSuchForklineFlag").build()));
    assertTrue(e.getMessage().contains("Unrecognized VM option"), e.getMessage());
  }

  @Test
  void whenReplacementsCannotStartQueuedTasksFailAsCrashWithTheReason(@TempDir Path dir)
      throws Exception {
    // Workers run from a copy of the classes (the test kernels' too), which disappears once the
    // pool is up.
    Path copy = dir.resolve("classes");
    List<String> classpath = new java.util.ArrayList<>();
    for (Class<?> c : List.of(WorkerMain.class, TestKernels.class)) {
      Path from = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path to = copy.resolve(from.getFileName().toString());
      copyTree(from, to);
      classpath.add(to.toString());
    }
    try (WorkerPool pool =
        WorkerPool.start(
            spec("test.sleep", "test.echo")
                .withClasspath(String.join(java.io.File.pathSeparator, classpath))
                .withCrashRetries(5)
                .build())) {
      Reaper.deleteTree(copy);
      CompletableFuture<TaskResult> running = pool.submit("test.sleep", bytes("5000"));
      CompletableFuture<TaskResult> queued = pool.submit("test.echo", bytes("x"));
      // The worker may already have died by itself, on a class it had not loaded before the copy
      // went: either way it is gone and cannot be replaced.
      pool.workerInfo().stream()
          .findFirst()
          .flatMap(w -> ProcessHandle.of(w.pid()))
          .ifPresent(ProcessHandle::destroyForcibly);

      for (TaskResult result : List.of(running.get(), queued.get())) {
        assertEquals(TaskResult.CRASH, result.kind());
        assertTrue(result.message().contains("no worker could be started (3 failed in a row)"));
        assertTrue(
            result.message().contains("Could not find or load main class"), result.message());
      }
      assertEquals(TaskResult.CRASH, pool.call("test.echo", bytes("y")).kind(), "fails at once");
      PoolCounters counters = pool.drainCounters();
      assertEquals(3, counters.startFailures());
      assertEquals(1, counters.crashDeaths());
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }
}
