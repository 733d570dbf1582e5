package dev.forkline.pipelines.bench;

import java.util.List;
import java.util.Locale;

/**
 * The results of {@code forkline bench} and how they are shown: a text table, Markdown, CSV and an
 * SVG chart. Pure functions of the measured cells, so they can be tested without running anything;
 * the tables are made by {@link ReportTables}, the files by {@link BenchCsv} and {@link BenchSvg}.
 */
public final class BenchReport {
  /** The executor columns, in order. */
  public static final List<String> EXECUTORS = List.of("inline", "threads", "processes");

  private BenchReport() {}

  /**
   * One measured cell: a workload on one executor.
   *
   * @param setting e.g. {@code 64 threads}, {@code 2 workers}
   * @param elements elements the measured run processed (ok + failed)
   * @param failed of which failed
   * @param wallSeconds wall time of the measured run
   * @param startupSeconds wall time of the same run on one element (fixed cost: graph, runner,
   *     pools)
   * @param cpuSeconds CPU time of the driver and its workers during the run
   * @param driverPeakRss peak RSS of the driver JVM during the run, bytes
   * @param workersPeakRss the worker JVMs' peak RSS, summed, bytes (0: none)
   * @param workerProcesses how many worker processes ran
   * @param note why a cell was not measured, or what it measured differently
   */
  public record Cell(
      String executor,
      String setting,
      long elements,
      long failed,
      double wallSeconds,
      double startupSeconds,
      double cpuSeconds,
      long driverPeakRss,
      long workersPeakRss,
      int workerProcesses,
      String note) {

    /** A cell that was not run, and why. */
    public static Cell skipped(String executor, String why) {
      return new Cell(executor, "-", 0, 0, 0, 0, 0, -1, -1, 0, why);
    }

    public boolean measured() {
      return elements > 0 && wallSeconds > 0;
    }

    public double perSecond() {
      return measured() ? elements / wallSeconds : 0;
    }

    /**
     * The rate once running: (elements - 1) / (wall - start-up), the one-element run's wall time
     * standing for the fixed cost; 0 when that cannot be told (start-up as long as the run).
     */
    public double steadyPerSecond() {
      return measured() && elements > 1 && wallSeconds > startupSeconds
          ? (elements - 1) / (wallSeconds - startupSeconds)
          : 0;
    }

    /** CPU time over wall time over cores, 0..1. */
    public double utilisation(int cores) {
      return measured() && cpuSeconds >= 0 ? cpuSeconds / wallSeconds / cores : -1;
    }
  }

  /**
   * A workload (a table row) and its cells, one per executor.
   *
   * @param bound the best elements/s possible, where known (Little's law for I/O); 0 otherwise
   */
  public record Row(String workload, String kind, double bound, List<Cell> cells) {
    /** The cell with the most elements/s, or null. */
    public Cell winner() {
      Cell best = null;
      for (Cell c : cells) {
        if (c.measured() && (best == null || c.perSecond() > best.perSecond())) {
          best = c;
        }
      }
      return best;
    }

    /** The measured cell with the second most elements/s, or null. */
    public Cell runnerUp() {
      Cell best = winner();
      Cell second = null;
      for (Cell c : cells) {
        if (c != best && c.measured() && (second == null || c.perSecond() > second.perSecond())) {
          second = c;
        }
      }
      return second;
    }

    public Cell cell(String executor) {
      return cells.stream().filter(c -> c.executor().equals(executor)).findFirst().orElse(null);
    }

    /** "threads, 1.9x processes" or "-". */
    public String verdict() {
      Cell w = winner();
      Cell r = runnerUp();
      if (w == null) {
        return "-";
      }
      if (r == null) {
        return w.executor();
      }
      return String.format(
          Locale.ROOT, "%s, %.2fx %s", w.executor(), w.perSecond() / r.perSecond(), r.executor());
    }
  }

  /**
   * One case of the many-hosts workload: a URL list fetched politely, against its politeness bound.
   * Times in seconds; NaN where there is nothing to tell (no slow host in the list).
   *
   * @param bound (pages - 1) x delay of the slowest host in the list; 0 for the 1-URL run
   * @param startupSeconds the 1-URL run's wall time
   * @param fastDone when the last page of a host other than the slow one was answered (the site's
   *     log), after the run's start
   * @param slowDone the same for the slow host
   * @param minGap the least time between two page requests to one host
   */
  public record HostsRow(
      String name,
      int urls,
      long failed,
      double bound,
      double startupSeconds,
      double wallSeconds,
      double fastDone,
      double slowDone,
      double minGap,
      double cpuSeconds,
      long peakRss) {
    /** Issue 19's target: 1.2 x the bound plus the start-up. */
    public double target() {
      return 1.2 * bound + startupSeconds;
    }

    /** (wall - start-up) / bound; NaN without a bound. */
    public double timesBound() {
      return bound > 0 ? (wallSeconds - startupSeconds) / bound : Double.NaN;
    }

    public boolean met() {
      return bound > 0 && wallSeconds <= target();
    }
  }

  /** The many-hosts table (first line: headers). */
  public static List<List<String>> hosts(List<HostsRow> rows) {
    return ReportTables.hosts(rows);
  }

  /** What the many-hosts rows say: the mix's cost to the fast hosts. */
  public static String hostsFindings(List<HostsRow> rows) {
    return BenchFindings.hosts(rows);
  }

  /** The compact table: elements/s per executor and the winner. */
  public static List<List<String>> summary(List<Row> rows) {
    return ReportTables.summary(rows);
  }

  /** The detailed table: one line per workload and executor. */
  public static List<List<String>> details(List<Row> rows, int cores) {
    return ReportTables.details(rows, cores);
  }

  /** A table as aligned text (first line: headers). */
  public static String text(List<List<String>> table) {
    return TableText.text(table);
  }

  /** A table as GitHub Markdown (first line: headers); '|' in cells is escaped. */
  public static String markdown(List<List<String>> table) {
    return TableText.markdown(table);
  }

  /** Every cell as CSV (RFC 4180 quoting), raw numbers, one line per workload and executor. */
  public static String csv(List<Row> rows, int cores) {
    return BenchCsv.csv(rows, cores);
  }

  /**
   * A grouped bar chart as SVG: per workload, each executor's elements/s as a share of the best
   * executor of that workload (workloads differ by orders of magnitude), labelled with the rate.
   */
  public static String svg(List<Row> rows, String title) {
    return BenchSvg.svg(rows, title);
  }

  /** A rate as the tables show it: no decimals from 100 up (with thousands separators), else 1. */
  static String rate(double perSecond) {
    return perSecond >= 100
        ? String.format(Locale.ROOT, "%,.0f", perSecond)
        : String.format(Locale.ROOT, "%.1f", perSecond);
  }

  /** Bytes as whole MiB; "?" when unknown (negative). */
  static String mib(long bytes) {
    return bytes < 0 ? "?" : String.format(Locale.ROOT, "%d MiB", Math.round(bytes / 1048576.0));
  }
}
