package dev.forkline.runners.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.run.ParityRuns;
import dev.forkline.pipelines.run.WorkerWatch;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TaskManager killed with {@code kill -9} while it runs the scrape's stages: the cluster restarts
 * the job on the other TaskManager and the table has exactly one row per URL, the rows the Direct
 * runner gives: the part files of the killed attempt never reach the merge.
 */
@Tag("cluster")
class FlinkTaskManagerKilledTest {
  private static final int URLS = 300;

  @TempDir Path clusterDir;
  @TempDir Path dir;

  @Test
  void aKilledTaskManagersWorkIsRedoneOnceElsewhere() throws Exception {
    try (FlinkSessionCluster cluster =
        FlinkSessionCluster.start(
            clusterDir,
            2,
            2,
            768,
            List.of(
                "restart-strategy.type: fixed-delay",
                "restart-strategy.fixed-delay.attempts: 3",
                "restart-strategy.fixed-delay.delay: 1 s",
                "heartbeat.interval: 1000",
                "heartbeat.timeout: 5000"))) {
      AtomicLong killed = new AtomicLong();
      WorkerWatch watch = new WorkerWatch();
      ParityRuns parity =
          new ParityRuns(
              dir,
              "flink",
              run -> {
                Thread killer =
                    watch.killParentOnceWorking(
                        (pid, line) -> cluster.taskManagerPids().contains(pid), killed);
                try {
                  return watch.during(run);
                } finally {
                  killer.interrupt();
                  killer.join();
                }
              });
      // 300 pages of one host, 20 ms apart: about 6 s of fetching to kill it in the middle of.
      parity.scrape(
          port ->
              IntStream.range(0, URLS)
                  .mapToObj(i -> "http://127.0.0.1:" + port + "/index.html?page=" + i)
                  .collect(Collectors.joining("\n", "", "\n")),
          List.of(),
          cluster.restAddress());
      assertTrue(killed.get() > 0, "a TaskManager was killed while the job ran");
      assertFalse(WorkerWatch.alive(killed.get()), "the killed TaskManager is gone");
      assertTrue(cluster.failuresOfTheJob() > 0, "the job failed over at least once");
      for (long worker : watch.workers.keySet()) {
        assertFalse(WorkerWatch.alive(worker), "worker " + worker + " outlived its TaskManager");
      }
      assertEquals(
          1,
          cluster.taskManagerPids().stream().filter(WorkerWatch::alive).count(),
          "one TaskManager left");
    }
  }
}
