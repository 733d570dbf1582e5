package dev.forkline.runners.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forkline.pipelines.run.ClusterProcesses;
import dev.forkline.pipelines.run.ParityRuns;
import dev.forkline.pipelines.table.ParquetTables;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A benchmark, not a test (run only when asked): 2,000,000 URLs on a Flink session cluster of two
 * 512 MB TaskManagers, most of them to a closed loopback port so they fail fast, some to the demo
 * site. Runs {@code ./forkline run} as a user does and prints its wall time and each process's peak
 * resident memory (VmHWM) and writes them to {@code target/flink-cluster-bench.txt}:
 *
 * <pre>
 * mvn -B -o test -pl runners/flink -Dtest=FlinkClusterBench -Dforkline.bench.cluster=true
 * </pre>
 *
 * {@code -Dforkline.bench.urls=N} takes another count.
 */
@EnabledIfSystemProperty(named = "forkline.bench.cluster", matches = "true")
class FlinkClusterBench {
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void twoMillionUrlsOnTaskManagersOf512Mb() throws Exception {
    int urls = Integer.getInteger("forkline.bench.urls", 2_000_000);
    int live = Math.min(1_000, urls / 100);
    int port = ClusterProcesses.freePort();
    Path list = dir.resolve("urls.txt");
    try (BufferedWriter out = Files.newBufferedWriter(list, StandardCharsets.UTF_8)) {
      for (int i = 0; i < urls - live; i++) {
        out.write("http://127.0.0.");
        out.write(Integer.toString(2 + i % 200));
        out.write(":9/p/");
        out.write(Integer.toString(i));
        out.write('\n');
      }
      for (int i = 0; i < live; i++) {
        out.write("http://127.0.0.1:" + port + "/index.html?n=" + i + "\n");
      }
    }
    List<String> sets =
        List.of(
            "input=" + list,
            "output=" + dir.resolve("out"),
            "url-scrape.demo-site-port=" + port,
            "url-scrape.per-host=16",
            "url-scrape.delay=0s",
            "url-scrape.robots=false",
            "url-scrape.allow-private-addresses=true",
            "url-scrape.connect-timeout=1s",
            "stages.fetch.threads=64",
            "stages.fetch.timeout=2s",
            "stages.fetch.retries=0",
            "stages.parse.executor=threads");

    try (FlinkSessionCluster cluster =
        FlinkSessionCluster.start(dir.resolve("cluster"), 2, 1, 512)) {
      // The command a user runs, as its own process: the launcher's JVM is the client.
      List<String> command =
          new ArrayList<>(
              List.of(
                  ParityRuns.repo().resolve("forkline").toString(),
                  "run",
                  ParityRuns.repo().resolve("configs/url-scrape.yaml").toString(),
                  "--runner",
                  "flink",
                  "--flink-master",
                  cluster.restAddress()));
      for (String set : sets) {
        command.add("--set");
        command.add(set);
      }
      long start = System.nanoTime();
      Process client =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("client.log").toFile())
              .start();
      Peaks peaks = new Peaks(cluster, client.toHandle());
      Thread sampler = new Thread(peaks, "peak-memory");
      sampler.setDaemon(true);
      sampler.start();
      int exit = client.waitFor();
      double seconds = (System.nanoTime() - start) / 1e9;
      peaks.stop = true;
      sampler.join();

      Path table = dir.resolve("out/pages.parquet");
      long rows = Files.isRegularFile(table) ? ParquetTables.rowCount(table) : 0;
      StringBuilder report = new StringBuilder();
      report.append(String.format("urls %,d, rows %,d, exit %d%n", urls, rows, exit));
      report.append(String.format("wall %.1f s (the whole command)%n", seconds));
      long largest = 0;
      for (Map.Entry<String, Long> e : peaks.byProcess().entrySet()) {
        report.append(String.format("peak RSS %-36s %,6d MB%n", e.getKey(), e.getValue() >> 10));
        largest = Math.max(largest, e.getValue());
      }
      report.append(String.format("largest process %,d MB%n", largest >> 10));
      System.out.print(report);
      Path target = Path.of("target");
      Files.createDirectories(target);
      Files.writeString(target.resolve("flink-cluster-bench.txt"), report);
      assertEquals(urls, rows, "one row per URL; client log: " + dir.resolve("client.log"));
    }
  }

  /** The peak resident memory of the cluster's processes, their children and this JVM. */
  private static final class Peaks implements Runnable {
    final FlinkSessionCluster cluster;
    final ProcessHandle client;
    final Map<Long, String> names = new ConcurrentHashMap<>();
    final Map<Long, Long> peakKb = new ConcurrentHashMap<>();
    volatile boolean stop;

    Peaks(FlinkSessionCluster cluster, ProcessHandle client) {
      this.cluster = cluster;
      this.client = client;
    }

    @Override
    public void run() {
      while (!stop) {
        sample();
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void sample() {
      client.descendants().forEach(c -> names.putIfAbsent(c.pid(), "forkline run (the client)"));
      names.putIfAbsent(cluster.jobManagerPid(), "JobManager");
      List<Long> tms = cluster.taskManagerPids();
      for (int i = 0; i < tms.size(); i++) {
        names.putIfAbsent(tms.get(i), "TaskManager " + (i + 1));
        int n = i + 1;
        ProcessHandle.of(tms.get(i))
            .ifPresent(
                tm ->
                    tm.descendants()
                        .forEach(c -> names.putIfAbsent(c.pid(), "child of TaskManager " + n)));
      }
      for (Long pid : new ArrayList<>(names.keySet())) {
        long kb = hwmKb(pid);
        if (kb > 0) {
          peakKb.merge(pid, kb, Math::max);
        }
      }
    }

    /** Each named process's peak, the largest of one name's processes (workers come and go). */
    Map<String, Long> byProcess() {
      Map<String, Long> out = new TreeMap<>();
      peakKb.forEach((pid, kb) -> out.merge(names.get(pid), kb, Math::max));
      return out;
    }

    private static long hwmKb(long pid) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (line.startsWith("VmHWM:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException | RuntimeException e) {
        // gone
      }
      return 0;
    }
  }
}
