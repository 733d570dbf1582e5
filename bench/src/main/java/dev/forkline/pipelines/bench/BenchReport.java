package dev.forkline.pipelines.bench;

import dev.forkline.pipelines.text.TextTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The results of {@code forkline bench} and how they are shown: a text table, Markdown, CSV and an
 * SVG chart. Pure functions of the measured cells, so they can be tested without running anything.
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

  /** What the many-hosts rows say: the mix's cost to the fast hosts. */
  public static String hostsFindings(List<HostsRow> rows) {
    HostsRow fast = null;
    HostsRow mix = null;
    for (HostsRow r : rows) {
      if (r.name().startsWith("fast alone")) {
        fast = r;
      } else if (r.name().startsWith("mix")) {
        mix = r;
      }
    }
    if (fast == null
        || mix == null
        || Double.isNaN(fast.fastDone())
        || Double.isNaN(mix.fastDone())) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "- The slow host cost the fast hosts %+.2f s: their last page was answered at %.2f s"
            + " with it, %.2f s alone (their bound %.2f s).%n",
        mix.fastDone() - fast.fastDone(),
        mix.fastDone(),
        fast.fastDone(),
        fast.bound());
  }

  private static String secs(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  /** The compact table: elements/s per executor and the winner. */
  public static List<List<String>> summary(List<Row> rows) {
    List<List<String>> out = new ArrayList<>();
    out.add(List.of("workload", "inline", "threads", "processes", "winner (vs next best)"));
    for (Row row : rows) {
      List<String> line = new ArrayList<>();
      line.add(row.workload());
      for (String e : EXECUTORS) {
        Cell c = row.cell(e);
        line.add(c == null || !c.measured() ? "n/a" : rate(c.perSecond()) + "/s");
      }
      line.add(row.verdict());
      out.add(line);
    }
    return out;
  }

  /** The detailed table: one line per workload and executor. */
  public static List<List<String>> details(List<Row> rows, int cores) {
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
        if (!c.measured()) {
          out.add(
              List.of(
                  row.workload(),
                  c.executor(),
                  "-",
                  "-",
                  "-",
                  "-",
                  "-",
                  "-",
                  "-",
                  "-",
                  "-",
                  c.note()));
          continue;
        }
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
        double util = c.utilisation(cores);
        out.add(
            List.of(
                row.workload(),
                c.executor(),
                c.setting(),
                Long.toString(c.elements()),
                String.format(Locale.ROOT, "%.2f", c.wallSeconds()),
                rate(c.perSecond()),
                c.steadyPerSecond() > 0 ? rate(c.steadyPerSecond()) : "-",
                util < 0 ? "?" : String.format(Locale.ROOT, "%.0f %%", 100 * util),
                mib(c.driverPeakRss()),
                c.workerProcesses() == 0
                    ? "-"
                    : mib(c.workersPeakRss()) + " (" + c.workerProcesses() + ")",
                String.format(Locale.ROOT, "%.2f", c.startupSeconds()),
                note));
      }
    }
    return out;
  }

  static String rate(double perSecond) {
    return perSecond >= 100
        ? String.format(Locale.ROOT, "%,.0f", perSecond)
        : String.format(Locale.ROOT, "%.1f", perSecond);
  }

  static String mib(long bytes) {
    return bytes < 0 ? "?" : String.format(Locale.ROOT, "%d MiB", Math.round(bytes / 1048576.0));
  }

  /** A table as aligned text (first line: headers). */
  public static String text(List<List<String>> table) {
    TextTable t = new TextTable(table.get(0));
    for (int i = 1; i < table.size(); i++) {
      t.addRow(table.get(i));
    }
    return t.render();
  }

  /** A table as GitHub Markdown (first line: headers); '|' in cells is escaped. */
  public static String markdown(List<List<String>> table) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < table.size(); i++) {
      out.append('|');
      for (String cell : table.get(i)) {
        out.append(' ').append(cell.replace("|", "\\|")).append(" |");
      }
      out.append('\n');
      if (i == 0) {
        out.append('|');
        out.append(" --- |".repeat(table.get(0).size()));
        out.append('\n');
      }
    }
    return out.toString();
  }

  /** Every cell as CSV (RFC 4180 quoting), raw numbers, one line per workload and executor. */
  public static String csv(List<Row> rows, int cores) {
    StringBuilder out = new StringBuilder();
    out.append(
        "workload,kind,executor,setting,elements,failed,wall_s,elements_per_s,steady_per_s,cpu_s,cpu_util,"
            + "driver_peak_bytes,workers_peak_bytes,worker_processes,startup_s,bound_per_s,note\n");
    for (Row row : rows) {
      for (Cell c : row.cells()) {
        List<String> f =
            List.of(
                row.workload(),
                row.kind(),
                c.executor(),
                c.setting(),
                Long.toString(c.elements()),
                Long.toString(c.failed()),
                num(c.wallSeconds()),
                num(c.perSecond()),
                num(c.steadyPerSecond()),
                num(c.cpuSeconds()),
                num(c.utilisation(cores)),
                Long.toString(c.driverPeakRss()),
                Long.toString(c.workersPeakRss()),
                Integer.toString(c.workerProcesses()),
                num(c.startupSeconds()),
                num(row.bound()),
                c.note());
        out.append(String.join(",", f.stream().map(BenchReport::quote).toList())).append('\n');
      }
    }
    return out.toString();
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  static String quote(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  /**
   * A grouped bar chart as SVG: per workload, each executor's elements/s as a share of the best
   * executor of that workload (workloads differ by orders of magnitude), labelled with the rate.
   */
  public static String svg(List<Row> rows, String title) {
    String[] colors = {"#9e9e9e", "#1f77b4", "#ff7f0e"};
    int labelWidth = 330;
    int barHeight = 16;
    int groupGap = 14;
    int plotWidth = 420;
    int height = 60 + rows.size() * (3 * barHeight + groupGap) + 30;
    int width = labelWidth + plotWidth + 120;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">\n",
            width,
            height));
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>\n",
            xml(title)));
    s.append(
        "<text x=\"10\" y=\"38\" fill=\"#555\">elements/s, bar length relative to the best"
            + " executor of each workload</text>\n");
    for (int e = 0; e < EXECUTORS.size(); e++) {
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"%d\">%s</text>\n",
              labelWidth + e * 110,
              height - 20,
              colors[e],
              labelWidth + e * 110 + 14,
              height - 11,
              EXECUTORS.get(e)));
    }
    int y = 55;
    for (Row row : rows) {
      Cell best = row.winner();
      double max = best == null ? 1 : best.perSecond();
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"10\" y=\"%d\">%s</text>\n",
              y + (3 * barHeight) / 2 + 4,
              xml(row.workload())));
      for (int e = 0; e < EXECUTORS.size(); e++) {
        Cell c = row.cell(EXECUTORS.get(e));
        int by = y + e * barHeight;
        if (c == null || !c.measured()) {
          s.append(
              String.format(
                  Locale.ROOT,
                  "<text x=\"%d\" y=\"%d\" fill=\"#888\">n/a</text>\n",
                  labelWidth + 4,
                  by + barHeight - 4));
          continue;
        }
        int w = (int) Math.max(1, Math.round(plotWidth * c.perSecond() / max));
        s.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s/s</text>\n",
                labelWidth,
                by + 1,
                w,
                barHeight - 2,
                colors[e],
                labelWidth + w + 4,
                by + barHeight - 4,
                rate(c.perSecond())));
      }
      y += 3 * barHeight + groupGap;
    }
    s.append("</svg>\n");
    return s.toString();
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
