package dev.forkline.pipelines.cli;

import dev.forkline.pipelines.config.StageConfig;
import dev.forkline.pipelines.exec.Executor;
import dev.forkline.pipelines.exec.StageMetrics;
import dev.forkline.pipelines.run.MetricsSnapshot;
import dev.forkline.pipelines.run.RunResult;
import dev.forkline.pipelines.text.TextTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The end-of-run summary: counts, failures by kind, wall time, throughput, time per stage. */
final class RunSummary {
  private RunSummary() {}

  static String render(RunResult result) {
    return render(result, null);
  }

  /** The summary of a run; {@code stopped} (e.g. "stopped") for one that did not finish. */
  static String render(RunResult result, String stopped) {
    MetricsSnapshot m = result.metrics();
    long failed = m.rowsFailed();
    double seconds = Math.max(result.wallTime().toMillis(), 1) / 1000.0;
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%s: %s in %s%n",
            result.config().pipeline().configName(),
            stopped != null ? stopped : failed == 0 ? "all rows ok" : "finished with failed rows",
            seconds(seconds)));

    counts(out, result);
    stages(out, result);
    out.append(System.lineSeparator());
    if (stopped != null) {
      return out.toString(); // no table: the previous one, if any, is as it was
    }
    out.append("  table: ").append(result.table()).append(System.lineSeparator());
    if (failed > 0) {
      out.append("  failed rows: forkline inspect ")
          .append(result.table())
          .append(" --where status=failed")
          .append(System.lineSeparator());
    }
    return out.toString();
  }

  /** The row counts: inputs, what --resume kept, redid and dropped, ok, failed, throughput. */
  private static void counts(StringBuilder out, RunResult result) {
    MetricsSnapshot m = result.metrics();
    long ok = m.rowsOk();
    long failed = m.rowsFailed();
    double seconds = Math.max(result.wallTime().toMillis(), 1) / 1000.0;
    line(out, "inputs", number(m.inputs()), "found in the input");
    long excluded = m.get(StageMetrics.EXCLUDED);
    if (excluded > 0) {
      line(
          out,
          "excluded",
          number(excluded),
          "files no image-filter.include pattern matched (not rows)");
    }
    if (result.carriedOver() > 0) {
      line(
          out, "kept", number(result.carriedOver()), "ok in an earlier run, same input (--resume)");
    }
    long redone = m.get(StageMetrics.RESUME_REDONE);
    if (redone > 0) {
      line(
          out,
          "redone",
          number(redone),
          "ok in an earlier run, but the input or its output changed");
    }
    long dropped = m.get(StageMetrics.RESUME_DROPPED);
    if (dropped > 0) {
      line(out, "dropped", number(dropped), "earlier rows whose input is no longer there");
    }
    line(out, "ok", number(ok), "");
    line(out, "failed", number(failed), failed == 0 ? "" : kinds(m.rowsFailedByKind()));
    line(out, "throughput", String.format(Locale.ROOT, "%.1f", (ok + failed) / seconds), "rows/s");
  }

  /** Each stage's executor, rows and busy time, and the worker JVMs started and replaced. */
  private static void stages(StringBuilder out, RunResult result) {
    MetricsSnapshot m = result.metrics();
    TextTable stages =
        new TextTable(List.of("stage", "executor", "ok", "failed", "busy", "share", "per element"))
            .rightAlign(2)
            .rightAlign(3)
            .rightAlign(4)
            .rightAlign(5)
            .rightAlign(6);
    long totalBusy = 0;
    for (String stage : result.config().stages().keySet()) {
      totalBusy += m.stageBusyMicros(stage);
    }
    for (StageConfig stage : result.config().stages().values()) {
      long busy = m.stageBusyMicros(stage.name());
      long done = m.stageDone(stage.name());
      stages.addRow(
          List.of(
              stage.name(),
              executor(stage),
              number(m.stageOk(stage.name())),
              number(m.stageFailed(stage.name())),
              seconds(busy / 1e6),
              totalBusy == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100.0 * busy / totalBusy),
              done == 0 ? "-" : String.format(Locale.ROOT, "%.1f ms", busy / 1e3 / done)));
    }
    out.append(System.lineSeparator());
    indent(out, stages);
    for (StageConfig stage : result.config().stages().values()) {
      long starts = m.workerStarts(stage.name());
      if (stage.executor() == Executor.PROCESSES && starts > 0) {
        Map<String, Long> deaths = m.workerDeaths(stage.name());
        out.append("  ")
            .append(stage.name())
            .append(": ")
            .append(number(starts))
            .append(starts == 1 ? " worker JVM started" : " worker JVMs started")
            .append(deaths.isEmpty() ? "" : "; replaced: " + kinds(deaths))
            .append(System.lineSeparator());
      }
    }
  }

  /** The executor and its size: {@code threads (8)}, {@code processes (2)}, {@code inline}. */
  private static String executor(StageConfig stage) {
    Executor executor = stage.executor();
    return switch (executor) {
      case INLINE -> executor.configName();
      case THREADS -> executor.configName() + " (" + stage.threads() + ")";
      case PROCESSES -> executor.configName() + " (" + stage.workers() + ")";
    };
  }

  private static void line(StringBuilder out, String label, String value, String note) {
    out.append(String.format(Locale.ROOT, "  %-11s%9s  %s", label, value, note).stripTrailing())
        .append(System.lineSeparator());
  }

  private static void indent(StringBuilder out, TextTable table) {
    for (String line : table.lines()) {
      out.append("  ").append(line.stripTrailing()).append(System.lineSeparator());
    }
  }

  private static String kinds(Map<String, Long> byKind) {
    List<String> parts = new ArrayList<>();
    byKind.forEach((kind, count) -> parts.add(kind + " " + number(count)));
    return String.join(", ", parts);
  }

  private static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String seconds(double s) {
    return s < 10
        ? String.format(Locale.ROOT, "%.2f s", s)
        : String.format(Locale.ROOT, "%.1f s", s);
  }
}
