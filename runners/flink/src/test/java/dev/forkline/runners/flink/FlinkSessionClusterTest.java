package dev.forkline.runners.flink;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.run.ParityRuns;
import dev.forkline.pipelines.run.WorkerWatch;
import java.nio.file.Path;
import java.util.Map;
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
    WorkerWatch watch = new WorkerWatch();
    parity(watch).imageSample(cluster.restAddress());
    assertWorkersUnderTaskManagers(watch);
  }

  @Test
  void theScrapeSampleGivesDirectsRowsWithItsWorkersUnderTheTaskManagers() throws Exception {
    WorkerWatch watch = new WorkerWatch();
    parity(watch).scrapeSample(cluster.restAddress());
    assertWorkersUnderTaskManagers(watch);
  }

  /** Direct's run, then Flink's under {@code watch}, with the cluster's log if it fails. */
  private ParityRuns parity(WorkerWatch watch) {
    return new ParityRuns(
        dir,
        "flink",
        run -> {
          try {
            return watch.during(run);
          } catch (Exception e) {
            throw new AssertionError(
                e.getMessage() + "\n--- taskmanager-1.log:\n" + cluster.tail("taskmanager-1.log"),
                e);
          }
        });
  }

  private static void assertWorkersUnderTaskManagers(WorkerWatch watch) {
    Map<Long, Long> workers = watch.workers;
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
              + cluster.taskManagerPids()
              + ": "
              + watch.parents.get(parent));
    }
    for (long pid : workers.keySet()) {
      assertFalse(WorkerWatch.alive(pid), "worker " + pid + " still running after its job");
    }
  }
}
