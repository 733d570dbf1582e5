package dev.forkline.pipelines.bench;

import dev.forkline.pipelines.bench.BenchReport.Cell;
import dev.forkline.pipelines.bench.BenchReport.Row;
import dev.forkline.pipelines.bench.ExecutorWorkloads.Size;
import dev.forkline.pipelines.bench.ExecutorWorkloads.Workload;
import dev.forkline.pipelines.bench.TimedRun.Measured;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The measurement loop of the executor rows: a workload on each executor in turn, a 1-element run
 * (the start-up) then the measured run, into a row of cells; progress goes to the log.
 */
final class ExecutorMeasurement {
  private final ExecutorBench.Options o;
  private final TimedRun runs;
  private final Set<Long> exclude;
  private final PrintWriter log;

  /** {@code exclude}: the child processes that are not the runs' (the site). */
  ExecutorMeasurement(
      ExecutorBench.Options options, TimedRun runs, Set<Long> exclude, PrintWriter log) {
    this.o = options;
    this.runs = runs;
    this.exclude = exclude;
    this.log = log;
  }

  Row row(Workload w) throws Exception {
    List<Cell> cells = new ArrayList<>();
    // Untimed: the first run of a pipeline in this JVM loads and compiles its classes, which
    // otherwise lands in the first column's start-up.
    run(w, "threads", Size.ONE, "warm-up");
    for (String exec : BenchReport.EXECUTORS) {
      if (w.stageOnly() && "fetch".equals(w.stage()) && exec.equals("processes")) {
        cells.add(
            Cell.skipped(
                exec,
                "not offered: the fetch stage has no kernel; a worker JVM would only block on a"
                    + " socket, as a thread does, for the price of a JVM"));
        continue;
      }
      cells.add(cell(w, exec));
    }
    return new Row(w.name(), w.kind(), w.bound(), cells);
  }

  /** The workload on one executor: its start-up run, then the measured run. */
  private Cell cell(Workload w, String exec) throws Exception {
    Size size = exec.equals("inline") ? Size.INLINE : Size.FULL;
    String setting = setting(w, exec);
    log.printf(Locale.ROOT, "bench: %s on %s (%s)...%n", w.name(), exec, setting);
    log.flush();
    Measured startup = run(w, exec, Size.ONE, "1");
    Measured m = run(w, exec, size, exec);
    String note =
        size == Size.INLINE
            ? "inline on a subset (" + m.elements() + " elements): same rate, less waiting"
            : "";
    log.printf(
        Locale.ROOT,
        "bench:   %d elements in %.2f s: %s/s (start-up %.2f s)%n",
        m.elements(),
        m.wall(),
        BenchReport.rate(m.elements() / m.wall()),
        startup.wall());
    log.flush();
    return new Cell(
        exec,
        setting,
        m.elements(),
        m.failed(),
        m.wall(),
        startup.wall(),
        m.usage().driverCpuSeconds() + m.usage().workerCpuSeconds(),
        m.usage().driverPeakRss(),
        m.usage().workersPeakRss(),
        m.usage().workerProcesses(),
        note);
  }

  /** What the executor was given, e.g. {@code 64 threads}, {@code 2 workers}. */
  private String setting(Workload w, String exec) {
    String setting =
        switch (exec) {
          case "inline" -> "1 at a time";
          case "threads" -> (w.kind().equals("io") ? o.ioThreads() : o.cpuThreads()) + " threads";
          default -> o.cpuThreads() + " workers";
        };
    if (w.name().startsWith("mixed: scrape") && !exec.equals("inline")) {
      setting = "fetch " + o.ioThreads() + " threads, parse " + setting;
    }
    return setting;
  }

  private Measured run(Workload w, String exec, Size size, String tag) throws Exception {
    return runs.once(
        w.config(), w.overrides().of(exec, size), exclude, w.stageOnly(), w.stage(), tag);
  }
}
