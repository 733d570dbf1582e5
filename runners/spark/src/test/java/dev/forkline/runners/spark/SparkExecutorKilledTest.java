package dev.forkline.runners.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.run.ParityRuns;
import dev.forkline.pipelines.run.WorkerWatch;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor killed with {@code kill -9} while it runs the scrape's stages: Spark runs its tasks
 * again on the other executor (and its Worker starts a new one), and the table has exactly one row
 * per URL, the rows the Direct runner gives, and the summary's row counts agree with it. (Spark
 * counts the lost attempt's per-stage counters too; those are not compared.)
 */
@Tag("cluster")
class SparkExecutorKilledTest {
  private static final String EXECUTOR = "org.apache.spark.executor.CoarseGrainedExecutorBackend";
  private static final int URLS = 300;

  @TempDir Path clusterDir;
  @TempDir Path dir;

  @BeforeEach
  void driverOnLoopback() {
    System.setProperty("spark.driver.host", "127.0.0.1");
    System.setProperty("spark.driver.bindAddress", "127.0.0.1");
    System.setProperty("spark.ui.enabled", "false");
  }

  @AfterEach
  void clearDriverSettings() {
    System.clearProperty("spark.driver.host");
    System.clearProperty("spark.driver.bindAddress");
    System.clearProperty("spark.ui.enabled");
  }

  @Test
  void aKilledExecutorsWorkIsRedoneOnceElsewhere() throws Exception {
    try (SparkStandaloneCluster cluster = SparkStandaloneCluster.start(clusterDir, 2, 1024)) {
      AtomicLong killed = new AtomicLong();
      WorkerWatch watch = new WorkerWatch();
      ParityRuns parity =
          new ParityRuns(
                  dir,
                  "spark",
                  run -> {
                    Thread killer =
                        watch.killParentOnceWorking(
                            (pid, line) -> String.valueOf(line).contains(EXECUTOR), killed);
                    try {
                      return watch.during(run);
                    } finally {
                      killer.interrupt();
                      killer.join();
                    }
                  })
              .withoutStageCounters();
      // 300 pages of one host, 20 ms apart: about 6 s of fetching to kill it in the middle of.
      parity.scrape(
          port ->
              IntStream.range(0, URLS)
                  .mapToObj(i -> "http://127.0.0.1:" + port + "/index.html?page=" + i)
                  .collect(Collectors.joining("\n", "", "\n")),
          List.of(),
          cluster.masterUrl());
      assertTrue(killed.get() > 0, "an executor was killed while the job ran");
      assertFalse(WorkerWatch.alive(killed.get()), "the killed executor is gone");
      for (long worker : watch.workers.keySet()) {
        assertFalse(WorkerWatch.alive(worker), "worker " + worker + " outlived its executor");
      }
    }
  }
}
