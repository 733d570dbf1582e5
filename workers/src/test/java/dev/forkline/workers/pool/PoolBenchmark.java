package dev.forkline.workers.pool;

import dev.forkline.workers.kernel.Kernel;
import dev.forkline.workers.kernel.Kernels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Measures the process pool on this machine (not a test): per-task overhead of a no-op task,
 * throughput of a ~10 ms CPU kernel in 2 workers vs 2 in-JVM threads vs 1 worker, and worker
 * start-up time.
 *
 * <pre>
 * java -cp workers/target/classes dev.forkline.workers.pool.PoolBenchmark [NOOP_TASKS] [BURN_TASKS]
 * </pre>
 */
public final class PoolBenchmark {

  private static final String NOOP = "test.noop";
  private static final String BURN = "test.burn";

  private PoolBenchmark() {}

  public static void main(String[] args) throws Exception {
    int noopTasks = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int burnTasks = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    System.out.printf(
        Locale.ROOT,
        "forkline pool benchmark: %d cores, %s %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"));

    startup(9);
    overhead(noopTasks);
    throughput(burnTasks, 3);
  }

  private static PoolSpec.Builder spec(int workers, int window) {
    return PoolSpec.builder(NOOP, BURN).withWorkers(workers).withWindow(window).withHeap("128m");
  }

  /** Spawn-to-hello time of a single worker, started alone, several times. */
  private static void startup(int runs) throws Exception {
    long[] startups = new long[runs];
    long[] pools = new long[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      try (WorkerPool pool = WorkerPool.start(spec(1, 2).build())) {
        pools[i] = (System.nanoTime() - start) / 1000;
        startups[i] = pool.workerInfo().get(0).startup().toNanos() / 1000;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%nworker start (spawn to ready), %d single-worker starts: median %.0f ms (min %.0f,"
            + " max %.0f); WorkerPool.start() median %.0f ms   [target <= 300 ms]%n",
        runs,
        percentile(startups, 50) / 1000.0,
        Arrays.stream(startups).min().getAsLong() / 1000.0,
        Arrays.stream(startups).max().getAsLong() / 1000.0,
        percentile(pools, 50) / 1000.0);
  }

  /** Round trip of a no-op task, one at a time and with every worker's window full. */
  private static void overhead(int tasks) throws Exception {
    System.out.printf(Locale.ROOT, "%nno-op task overhead, 2 workers, %d tasks each:%n", tasks);
    byte[] payload = "x".getBytes(StandardCharsets.UTF_8);
    for (int window : new int[] {1, 2}) {
      try (WorkerPool pool = WorkerPool.start(spec(2, window).build())) {
        for (int i = 0; i < 5_000; i++) { // warm up both sides' JIT
          pool.call(NOOP, payload);
        }
        long[] sequential = new long[tasks];
        long start = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
          sequential[i] = check(pool.call(NOOP, payload)).totalMicros();
        }
        long sequentialWall = System.nanoTime() - start;

        int capacity = pool.workers() * window;
        Semaphore permits = new Semaphore(capacity);
        long[] loaded = new long[tasks];
        List<CompletableFuture<TaskResult>> futures = new ArrayList<>(tasks);
        start = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
          permits.acquire();
          futures.add(pool.submit(NOOP, payload).whenComplete((r, e) -> permits.release()));
        }
        for (int i = 0; i < tasks; i++) {
          loaded[i] = check(futures.get(i).get()).totalMicros();
        }
        long loadedWall = System.nanoTime() - start;
        System.out.printf(
            Locale.ROOT,
            "  window %d: one at a time: p50 %d us, mean %.1f us | %d in flight: p50 %d us,"
                + " mean %.1f us per task, throughput %.1f us per task (%.0f tasks/s)%n",
            window,
            percentile(sequential, 50),
            sequentialWall / 1000.0 / tasks,
            capacity,
            percentile(loaded, 50),
            Arrays.stream(loaded).average().orElse(0),
            loadedWall / 1000.0 / tasks,
            tasks / (loadedWall / 1e9));
      }
    }
  }

  /** Tasks per second of a ~10 ms CPU kernel: 2 workers, 2 threads in this JVM, 1 worker. */
  private static void throughput(int tasks, int rounds) throws Exception {
    byte[] payload = "10".getBytes(StandardCharsets.UTF_8);
    Kernel burn = Kernels.get(BURN);
    String expected = new String(burn.apply(payload), StandardCharsets.UTF_8);
    double[] pool2 = new double[rounds];
    double[] threads2 = new double[rounds];
    double[] pool1 = new double[rounds];
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (WorkerPool two = WorkerPool.start(spec(2, 2).build());
        WorkerPool one = WorkerPool.start(spec(1, 2).build())) {
      // Warm up the kernel everywhere (C2 in every JVM), then measure in alternating rounds.
      runPool(two, payload, 40, expected);
      runPool(one, payload, 20, expected);
      runThreads(threads, burn, payload, 40, expected);
      for (int round = 0; round < rounds; round++) {
        pool2[round] = runPool(two, payload, tasks, expected);
        threads2[round] = runThreads(threads, burn, payload, tasks, expected);
        pool1[round] = runPool(one, payload, tasks, expected);
      }
    } finally {
      threads.shutdown();
    }
    double a = median(pool2);
    double b = median(threads2);
    double c = median(pool1);
    System.out.printf(
        Locale.ROOT,
        "%ntest.burn of ~10 ms, %d tasks, median of %d rounds:%n"
            + "  (a) pool, 2 workers:   %6.1f tasks/s  %s%n"
            + "  (b) 2 in-JVM threads:  %6.1f tasks/s  %s%n"
            + "  (c) pool, 1 worker:    %6.1f tasks/s  %s%n"
            + "  (a)/(b) = %.3f   [target >= 0.95]%n"
            + "  (a)/(c) = %.3f   [target >= 1.85]%n",
        tasks,
        rounds,
        a,
        Arrays.toString(round1(pool2)),
        b,
        Arrays.toString(round1(threads2)),
        c,
        Arrays.toString(round1(pool1)),
        a / b,
        a / c);
  }

  private static double runPool(WorkerPool pool, byte[] payload, int tasks, String expected)
      throws Exception {
    List<CompletableFuture<TaskResult>> futures = new ArrayList<>(tasks);
    long start = System.nanoTime();
    for (int i = 0; i < tasks; i++) {
      futures.add(pool.submit(BURN, payload));
    }
    for (CompletableFuture<TaskResult> future : futures) {
      String answer = new String(check(future.get()).payload(), StandardCharsets.UTF_8);
      if (!answer.equals(expected)) {
        throw new IllegalStateException("test.burn answered " + answer + ", not " + expected);
      }
    }
    return tasks / ((System.nanoTime() - start) / 1e9);
  }

  private static double runThreads(
      ExecutorService threads, Kernel burn, byte[] payload, int tasks, String expected)
      throws Exception {
    List<Future<byte[]>> futures = new ArrayList<>(tasks);
    long start = System.nanoTime();
    for (int i = 0; i < tasks; i++) {
      futures.add(threads.submit(() -> burn.apply(payload)));
    }
    for (Future<byte[]> future : futures) {
      if (!new String(future.get(), StandardCharsets.UTF_8).equals(expected)) {
        throw new IllegalStateException("test.burn gave a different answer in a thread");
      }
    }
    return tasks / ((System.nanoTime() - start) / 1e9);
  }

  private static TaskResult check(TaskResult result) {
    if (!result.ok()) {
      throw new IllegalStateException("a benchmark task failed: " + result);
    }
    return result;
  }

  private static long percentile(long[] values, int percent) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, sorted.length * percent / 100)];
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static double[] round1(double[] values) {
    return Arrays.stream(values).map(v -> Math.round(v * 10) / 10.0).toArray();
  }
}
