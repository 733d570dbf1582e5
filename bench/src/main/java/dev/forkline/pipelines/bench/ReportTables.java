package dev.forkline.pipelines.bench;

import static dev.forkline.pipelines.bench.BenchReport.mib;
import static dev.forkline.pipelines.bench.BenchReport.rate;

import dev.forkline.pipelines.bench.BenchReport.Cell;
import dev.forkline.pipelines.bench.BenchReport.HostsRow;
import dev.forkline.pipelines.bench.BenchReport.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's tables as cells of text (first line: headers): the executors' summary and details,
 * and the many-hosts cases. Text, Markdown and the console show the same cells.
 */
final class ReportTables {
  private ReportTables() {}

  /** The compact table: elements/s per executor and the winner. */
  static List<List<String>> summary(List<Row> rows) {
    List<List<String>> out = new ArrayList<>();
    out.add(List.of("workload", "inline", "threads", "processes", "winner (vs next best)"));
    for (Row row : rows) {
      List<String> line = new ArrayList<>();
      line.add(row.workload());
      for (String e : BenchReport.EXECUTORS) {
        Cell c = row.cell(e);
        line.add(c == null || !c.measured() ? "n/a" : rate(c.perSecond()) + "/s");
      }
      line.add(row.verdict());
      out.add(line);
    }
    return out;
  }

  /** The detailed table: one line per workload and executor. */
  static List<List<String>> details(List<Row> rows, int cores) {
    List<List<String>> out = new ArrayList<>();
    out.add(
        List.of(
            "workload",
            "executor",
            "setting",
            "elements",
            "wall s",
            "elements/s",
            "steady/s",
            "CPU util",
            "driver peak",
            "workers peak",
            "start-up s",
            "note"));
    for (Row row : rows) {
      for (Cell c : row.cells()) {
        out.add(c.measured() ? measured(row, c, cores) : notMeasured(row, c));
      }
    }
    return out;
  }

  /** A cell that was not run: dashes, and why. */
  private static List<String> notMeasured(Row row, Cell c) {
    return List.of(
        row.workload(), c.executor(), "-", "-", "-", "-", "-", "-", "-", "-", "-", c.note());
  }

  private static List<String> measured(Row row, Cell c, int cores) {
    double util = c.utilisation(cores);
    return List.of(
        row.workload(),
        c.executor(),
        c.setting(),
        Long.toString(c.elements()),
        String.format(Locale.ROOT, "%.2f", c.wallSeconds()),
        rate(c.perSecond()),
        c.steadyPerSecond() > 0 ? rate(c.steadyPerSecond()) : "-",
        util < 0 ? "?" : String.format(Locale.ROOT, "%.0f %%", 100 * util),
        mib(c.driverPeakRss()),
        c.workerProcesses() == 0 ? "-" : mib(c.workersPeakRss()) + " (" + c.workerProcesses() + ")",
        String.format(Locale.ROOT, "%.2f", c.startupSeconds()),
        detailsNote(row, c));
  }

  /** The cell's own note, then its share of the row's bound and its failures, where there are. */
  private static String detailsNote(Row row, Cell c) {
    String note = c.note();
    if (row.bound() > 0) {
      String ofBound =
          String.format(
              Locale.ROOT,
              "steady: %.0f %% of the %s/s bound",
              100 * c.steadyPerSecond() / row.bound(),
              rate(row.bound()));
      note = note.isEmpty() ? ofBound : note + "; " + ofBound;
    }
    if (c.failed() > 0) {
      note = (note.isEmpty() ? "" : note + "; ") + c.failed() + " failed";
    }
    return note;
  }

  /** The many-hosts table. */
  static List<List<String>> hosts(List<HostsRow> rows) {
    List<List<String>> out = new ArrayList<>();
    out.add(
        List.of(
            "case",
            "URLs",
            "bound s",
            "target s",
            "wall s",
            "x bound",
            "pages/s",
            "fast done s",
            "slow done s",
            "min gap s",
            "CPU s",
            "driver peak",
            "note"));
    for (HostsRow r : rows) {
      String note = r.bound() > 0 ? (r.met() ? "target met" : "target missed") : "start-up";
      if (r.failed() > 0) {
        note += "; " + r.failed() + " failed";
      }
      out.add(
          List.of(
              r.name(),
              Integer.toString(r.urls()),
              secs(r.bound()),
              r.bound() > 0 ? secs(r.target()) : "-",
              secs(r.wallSeconds()),
              Double.isNaN(r.timesBound())
                  ? "-"
                  : String.format(Locale.ROOT, "%.2f", r.timesBound()),
              rate(r.urls() / r.wallSeconds()),
              secs(r.fastDone()),
              secs(r.slowDone()),
              secs(r.minGap()),
              secs(r.cpuSeconds()),
              mib(r.peakRss()),
              note));
    }
    return out;
  }

  private static String secs(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }
}
