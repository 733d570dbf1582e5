package dev.forkline.pipelines.bench;

import dev.forkline.pipelines.bench.BenchReport.Cell;
import dev.forkline.pipelines.bench.BenchReport.Row;
import java.util.List;
import java.util.Locale;

/**
 * bench.csv: every executor cell with raw numbers (bytes, seconds, rates to 4 decimals), for
 * spreadsheets and scripts; the text tables round for reading.
 */
final class BenchCsv {
  private BenchCsv() {}

  /** RFC 4180 quoting, one line per workload and executor. */
  static String csv(List<Row> rows, int cores) {
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
        out.append(String.join(",", f.stream().map(BenchCsv::quote).toList())).append('\n');
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
}
