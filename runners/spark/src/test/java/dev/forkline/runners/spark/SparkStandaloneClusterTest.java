package dev.forkline.runners.spark;

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
 * The sample configs submitted with {@code --spark-master} to a standalone cluster of separate JVMs
 * (a Master, two Workers and the executors they start) that has no forkline on its class path: the
 * same rows as on Direct, the process pools' worker JVMs children of the executors, nothing left
 * running.
 */
@Tag("cluster")
class SparkStandaloneClusterTest {
  private static final String EXECUTOR = "org.apache.spark.executor.CoarseGrainedExecutorBackend";

  @TempDir static Path clusterDir;
  private static SparkStandaloneCluster cluster;

  @TempDir Path dir;

  @BeforeAll
  static void startCluster() throws Exception {
    // The driver (this JVM) on loopback too: executors connect back to it.
    System.setProperty("spark.driver.host", "127.0.0.1");
    System.setProperty("spark.driver.bindAddress", "127.0.0.1");
    System.setProperty("spark.ui.enabled", "false");
    cluster = SparkStandaloneCluster.start(clusterDir, 2, 1024);
  }

  @AfterAll
  static void stopCluster() {
    System.clearProperty("spark.driver.host");
    System.clearProperty("spark.driver.bindAddress");
    System.clearProperty("spark.ui.enabled");
    if (cluster != null) {
      cluster.close();
      for (long pid : cluster.workerPids()) {
        assertFalse(WorkerWatch.alive(pid), "Worker " + pid + " still running");
      }
    }
  }

  @Test
  void theImageSampleGivesDirectsRowsWithItsWorkersUnderTheExecutors() throws Exception {
    WorkerWatch watch = new WorkerWatch();
    parity(watch).imageSample(cluster.masterUrl());
    assertWorkersUnderExecutors(watch);
  }

  @Test
  void theScrapeSampleGivesDirectsRowsWithItsWorkersUnderTheExecutors() throws Exception {
    WorkerWatch watch = new WorkerWatch();
    parity(watch).scrapeSample(cluster.masterUrl());
    assertWorkersUnderExecutors(watch);
  }

  /** Direct's run, then Spark's under {@code watch}, with the cluster's log if it fails. */
  private ParityRuns parity(WorkerWatch watch) {
    return new ParityRuns(
        dir,
        "spark",
        run -> {
          try {
            return watch.during(run);
          } catch (Exception e) {
            throw new AssertionError(
                e.getMessage() + "\n--- worker-1.log:\n" + cluster.tail("worker-1.log"), e);
          }
        });
  }

  /** Each worker JVM's parent is an executor (its command line as seen while it ran). */
  private static void assertWorkersUnderExecutors(WorkerWatch watch) {
    Map<Long, Long> workers = watch.workers;
    assertFalse(workers.isEmpty(), "worker JVMs were seen while the job ran");
    for (Map.Entry<Long, Long> worker : workers.entrySet()) {
      long executor = worker.getValue();
      assertTrue(
          String.valueOf(watch.parents.get(executor)).contains(EXECUTOR),
          "worker "
              + worker.getKey()
              + " is a child of "
              + executor
              + ", not of an executor: "
              + watch.parents.get(executor));
    }
    for (long pid : workers.keySet()) {
      assertFalse(WorkerWatch.alive(pid), "worker " + pid + " still running after its job");
    }
  }
}
