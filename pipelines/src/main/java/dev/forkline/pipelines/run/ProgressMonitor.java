package dev.forkline.pipelines.run;

import dev.forkline.pipelines.config.StageSpec;
import dev.forkline.pipelines.exec.StageMetrics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The live progress line: per stage, elements done, failures and throughput, from Beam metrics. On
 * a terminal one line is redrawn in place about once a second; otherwise a plain line is printed at
 * each interval when something changed, so logs stay readable.
 */
final class ProgressMonitor {
  private static final String CLEAR_LINE = "\r\u001b[K";

  private final PrintStream out;
  private final boolean terminal;
  private final List<StageSpec> stages;
  private final long startNanos;
  private MetricsSnapshot previous;
  private long previousNanos;
  private String lastLine = "";

  private final boolean json;

  ProgressMonitor(PrintStream out, boolean terminal, List<StageSpec> stages, long startNanos) {
    this(out, terminal, false, stages, startNanos);
  }

  ProgressMonitor(
      PrintStream out, boolean terminal, boolean json, List<StageSpec> stages, long startNanos) {
    this.out = out;
    this.terminal = terminal && !json;
    this.json = json;
    this.stages = stages;
    this.startNanos = startNanos;
    this.previousNanos = startNanos;
  }

  /** Prints the current state. */
  void update(MetricsSnapshot now) {
    long nanos = System.nanoTime();
    if (json) {
      out.println(json(now, nanos));
      out.flush();
      return;
    }
    String line = render(now, nanos);
    previous = now;
    previousNanos = nanos;
    if (terminal) {
      out.print(CLEAR_LINE + line);
      out.flush();
    } else if (!line.substring(line.indexOf(']') + 1).equals(lastLine)) {
      out.println(line);
    }
    lastLine = line.substring(line.indexOf(']') + 1);
  }

  /** Clears the in-place line before the summary is printed. */
  void finish() {
    if (terminal) {
      out.print(CLEAR_LINE);
      out.flush();
    }
  }

  String render(MetricsSnapshot now, long nanos) {
    StringBuilder line = new StringBuilder();
    line.append('[').append(clock(Duration.ofNanos(nanos - startNanos))).append("] ");
    long inputs = now.inputs();
    long rows = rows(now);
    line.append(String.format(Locale.ROOT, "rows %,d/%,d", rows, inputs));
    double seconds = (nanos - previousNanos) / 1e9;
    for (StageSpec stage : stages) {
      long done = now.stageDone(stage.name());
      line.append(" | ")
          .append(stage.name())
          .append(' ')
          .append(String.format(Locale.ROOT, "%,d", done));
      long failed = now.stageFailed(stage.name());
      if (failed > 0) {
        line.append(String.format(Locale.ROOT, " (%,d failed)", failed));
      }
      if (previous != null && seconds > 0.2) {
        double rate = (done - previous.stageDone(stage.name())) / seconds;
        line.append(String.format(Locale.ROOT, " %.0f/s", rate));
      }
    }
    return line.toString();
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** The progress line of {@code --progress json}. */
  String json(MetricsSnapshot now, long nanos) {
    java.util.Map<String, Object> stagesDone = new java.util.LinkedHashMap<>();
    for (StageSpec stage : stages) {
      java.util.Map<String, Long> counts = new java.util.LinkedHashMap<>();
      counts.put("done", now.stageDone(stage.name()));
      counts.put("failed", now.stageFailed(stage.name()));
      stagesDone.put(stage.name(), counts);
    }
    java.util.Map<String, Object> progress = new java.util.LinkedHashMap<>();
    progress.put("elapsed_ms", (nanos - startNanos) / 1_000_000);
    progress.put("inputs", now.inputs());
    progress.put("rows", rows(now));
    progress.put("ok", now.rowsOk());
    progress.put("failed", now.rowsFailed());
    progress.put("stages", stagesDone);
    try {
      return JSON.writeValueAsString(java.util.Map.of("progress", progress));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Rows done: rows are counted when written, which a runner may batch to the end of a bundle;
   * elements leaving the stages are counted at once, so progress moves with the work.
   */
  static long rows(MetricsSnapshot now) {
    return Math.max(now.rowsOk() + now.rowsFailed(), now.get(StageMetrics.CHAIN_DONE))
        + now.get(StageMetrics.RESUME_SKIPPED);
  }

  static String clock(Duration d) {
    long s = d.toSeconds();
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
        : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }
}
