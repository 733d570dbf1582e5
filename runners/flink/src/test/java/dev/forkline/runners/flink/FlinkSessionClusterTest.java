package dev.forkline.runners.flink;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.run.ParityRuns;
import dev.forkline.pipelines.run.RunResult;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample configs submitted with {@code --flink-master} to a session cluster of separate JVMs (a
 * JobManager, two TaskManagers) that has no forkline on its class path: the same rows as on Direct,
 * the process pools' worker JVMs children of the TaskManagers, nothing left running.
 */
@Tag("cluster")
class FlinkSessionClusterTest {
  private static final String WORKER_MAIN = "dev.forkline.workers.pool.WorkerMain";

  @TempDir static Path clusterDir;
  private static FlinkSessionCluster cluster;

  @TempDir Path dir;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = FlinkSessionCluster.start(clusterDir, 2, 2, 768);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
      for (long pid : cluster.taskManagerPids()) {
        assertFalse(
            ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
            "TaskManager " + pid + " still running");
      }
    }
  }

  @Test
  void theImageSampleGivesDirectsRowsWithItsWorkersUnderTheTaskManagers() throws Exception {
    Map<Long, Long> workers = new ConcurrentHashMap<>();
    parity(workers).imageSample(cluster.restAddress());
    assertWorkersUnderTaskManagers(workers);
  }

  @Test
  void theScrapeSampleGivesDirectsRowsWithItsWorkersUnderTheTaskManagers() throws Exception {
    Map<Long, Long> workers = new ConcurrentHashMap<>();
    parity(workers).scrapeSample(cluster.restAddress());
    assertWorkersUnderTaskManagers(workers);
  }

  /** Direct's run, then Flink's with a watch for the worker JVMs it starts ({@code workers}). */
  private ParityRuns parity(Map<Long, Long> workers) {
    return new ParityRuns(dir, "flink", run -> watchWorkers(run, workers));
  }

  private static void assertWorkersUnderTaskManagers(Map<Long, Long> workers) {
    assertFalse(workers.isEmpty(), "worker JVMs were seen while the job ran");
    long self = ProcessHandle.current().pid();
    for (Map.Entry<Long, Long> worker : workers.entrySet()) {
      long parent = worker.getValue();
      assertTrue(
          parent != self && cluster.taskManagerPids().contains(parent),
          "worker "
              + worker.getKey()
              + " is a child of "
              + parent
              + ", not of a TaskManager "
              + cluster.taskManagerPids());
    }
    for (long pid : workers.keySet()) {
      assertFalse(
          ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          "worker " + pid + " still running after its job");
    }
  }

  /**
   * Runs {@code run} while a thread looks for worker JVMs every 50 ms, putting their pids and
   * parents' in {@code seen}. Only workers started after the watch began count: the job's.
   */
  private static RunResult watchWorkers(Callable<RunResult> run, Map<Long, Long> seen)
      throws Exception {
    Set<Long> before = new HashSet<>();
    ProcessHandle.allProcesses()
        .filter(FlinkSessionClusterTest::isWorker)
        .forEach(p -> before.add(p.pid()));
    Thread watch =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                ProcessHandle.allProcesses()
                    .filter(p -> !before.contains(p.pid()))
                    .filter(FlinkSessionClusterTest::isWorker)
                    .forEach(
                        p ->
                            p.parent()
                                .ifPresent(parent -> seen.putIfAbsent(p.pid(), parent.pid())));
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "worker-watch");
    watch.setDaemon(true);
    watch.start();
    RunResult result;
    try {
      result = run.call();
    } catch (Exception e) {
      throw new AssertionError(
          e.getMessage() + "\n--- taskmanager-1.log:\n" + cluster.tail("taskmanager-1.log"), e);
    } finally {
      watch.interrupt();
      watch.join();
    }
    // The pools end with the job: give the last workers a moment to exit.
    for (long pid : seen.keySet()) {
      ProcessHandle.of(pid)
          .ifPresent(
              p -> p.onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally(t -> null).join());
    }
    return result;
  }

  /**
   * Whether a process is a worker JVM, by its command line: read from {@code /proc}, since the JDK
   * gives none for a command line as long as a worker's (its class path is the job's jars).
   */
  private static boolean isWorker(ProcessHandle p) {
    Path cmdline = Path.of("/proc", Long.toString(p.pid()), "cmdline");
    try {
      return new String(
              java.nio.file.Files.readAllBytes(cmdline),
              java.nio.charset.StandardCharsets.ISO_8859_1)
          .contains(WORKER_MAIN);
    } catch (java.io.IOException e) {
      return p.info().commandLine().map(c -> c.contains(WORKER_MAIN)).orElse(false);
    }
  }
}
