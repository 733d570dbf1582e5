package dev.forkline.pipelines.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CPU time and peak memory of this JVM and of the processes it started (the worker JVMs), from
 * Linux's {@code /proc}. Elsewhere every number is reported as unknown (-1).
 *
 * <p>Usage: {@link #start} before a run (it resets this process's peak RSS and starts sampling the
 * children every {@code interval}), {@link Sampler#stop} after it.
 */
final class ProcStats {
  private static final Path SELF = Path.of("/proc/self");

  /** USER_HZ: the unit of the times in /proc/PID/stat; 100 on every Linux build that matters. */
  private static final double TICKS_PER_SECOND = 100.0;

  private ProcStats() {}

  /** What a run cost. Memory in bytes, CPU in seconds; -1 where unknown. */
  record Usage(
      double driverCpuSeconds,
      double workerCpuSeconds,
      long driverPeakRss,
      long workersPeakRss,
      int workerProcesses) {}

  /** Samples the children of this JVM until {@link #stop}. */
  static final class Sampler implements AutoCloseable {
    private final Set<Long> exclude;
    private final Thread thread;
    private final double driverCpuAtStart;
    private final Map<Long, Double> childCpu = new ConcurrentHashMap<>();
    private final Map<Long, Long> childPeak = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    private Sampler(Set<Long> exclude, long intervalMillis) {
      this.exclude = exclude;
      this.driverCpuAtStart = cpuSeconds(SELF);
      resetPeak();
      thread =
          new Thread(
              () -> {
                while (running) {
                  sample();
                  try {
                    Thread.sleep(intervalMillis);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "bench-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    private void sample() {
      ProcessHandle.current()
          .descendants()
          .filter(p -> !exclude.contains(p.pid()))
          .forEach(
              p -> {
                Path proc = Path.of("/proc", Long.toString(p.pid()));
                double cpu = cpuSeconds(proc);
                if (cpu >= 0) {
                  childCpu.merge(p.pid(), cpu, Math::max);
                }
                long peak = status(proc, "VmHWM:");
                if (peak >= 0) {
                  childPeak.merge(p.pid(), peak, Math::max);
                }
              });
    }

    /** Stops sampling and returns the usage since {@link #start}. */
    Usage stop() {
      sample();
      running = false;
      thread.interrupt();
      try {
        thread.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      double self = cpuSeconds(SELF);
      return new Usage(
          self < 0 || driverCpuAtStart < 0 ? -1 : self - driverCpuAtStart,
          childCpu.values().stream().mapToDouble(Double::doubleValue).sum(),
          status(SELF, "VmHWM:"),
          childPeak.values().stream().mapToLong(Long::longValue).sum(),
          childPeak.size());
    }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
    }
  }

  /**
   * Starts sampling.
   *
   * @param exclude pids of children that are not part of the run (the demo site's server)
   */
  static Sampler start(Set<Long> exclude, long intervalMillis) {
    return new Sampler(exclude, intervalMillis);
  }

  /** utime + stime of a process in seconds, or -1. */
  static double cpuSeconds(Path proc) {
    try {
      String stat = Files.readString(proc.resolve("stat"));
      // the command name (field 2) may hold spaces: fields are counted after its closing ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      // after ')': state is field 3, so utime (14) and stime (15) are at 11 and 12
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** A {@code kB} line of {@code /proc/PID/status} (e.g. {@code VmHWM:}) in bytes, or -1. */
  static long status(Path proc, String key) {
    try {
      List<String> lines = Files.readAllLines(proc.resolve("status"));
      for (String line : lines) {
        if (line.startsWith(key)) {
          String[] parts = line.substring(key.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone or not Linux
    }
    return -1;
  }

  /** Resets this process's peak RSS (VmHWM) to its current RSS (Linux 4.0+), best effort. */
  static void resetPeak() {
    try {
      Files.writeString(SELF.resolve("clear_refs"), "5");
    } catch (IOException | RuntimeException e) {
      // not Linux, or not allowed: the peak then covers the JVM's life so far
    }
  }
}
