package dev.forkline.pipelines.report;

import static dev.forkline.pipelines.report.Html.count;
import static dev.forkline.pipelines.report.Html.esc;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The report of a run as one HTML file: styles, charts and thumbnails inline. */
final class ReportPage {

  private ReportPage() {}

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  static String render(RunRecord run, ReportData data, String generatedAt, boolean thumbnails) {
    StringBuilder h = new StringBuilder(64 * 1024);
    String title =
        run != null && run.config() != null ? run.config() : data.table.getFileName().toString();
    h.append("<!doctype html>\n<html lang=en><head><meta charset=utf-8>")
        .append("<meta name=viewport content='width=device-width, initial-scale=1'>")
        .append("<title>forkline report: ")
        .append(esc(title))
        .append("</title><style>")
        .append(STYLE)
        .append("</style></head><body><main>");
    header(h, run, data, title);
    summary(h, run, data);
    settings(h, run);
    timeline(h, run, data);
    stages(h, run, data);
    RowSections.failures(h, data);
    if (data.keyColumn.equals("url")) {
      RowSections.hosts(h, run, data);
    } else if (thumbnails) {
      RowSections.contactSheet(h, data);
    }
    h.append("<footer>Table <code>")
        .append(esc(data.table.toString()))
        .append("</code>")
        .append(
            run == null
                ? " (no run.json beside it: the run's stages and progress are not known)"
                : "")
        .append(". Made by forkline ")
        .append(esc(generatedAt))
        .append("; <code>forkline report ")
        .append(esc(String.valueOf(data.table.getParent())))
        .append("</code> makes it again.</footer>");
    h.append("</main><script>").append(SCRIPT).append("</script></body></html>\n");
    return h.toString();
  }

  private static void header(StringBuilder h, RunRecord run, ReportData data, String title) {
    boolean allOk = data.failed == 0;
    h.append("<header><h1>")
        .append(esc(title))
        .append(" <span class='badge ")
        .append(allOk ? "ok'>all rows ok" : "failed'>" + count(data.failed) + " failed")
        .append("</span></h1><p class=meta>");
    List<String> facts = new ArrayList<>();
    if (run != null) {
      facts.add(esc(run.pipeline()));
      facts.add("runner " + esc(run.runner()));
      try {
        facts.add("started " + WHEN.format(Instant.parse(run.startedAt())));
      } catch (RuntimeException e) {
        facts.add("started " + esc(run.startedAt()));
      }
      facts.add("took " + Html.millis(run.wallMillis()));
    } else {
      facts.add(data.keyColumn.equals("url") ? "url-scrape" : "image-filter");
    }
    h.append(String.join(" · ", facts)).append("</p></header>");
  }

  private static void summary(StringBuilder h, RunRecord run, ReportData data) {
    h.append("<section class=cards>");
    if (run != null) {
      card(h, "inputs", count(run.inputs()), "found");
    }
    card(h, "rows", count(data.rows), "in the table");
    card(
        h,
        "ok",
        count(data.ok),
        Html.percent(data.rows == 0 ? Double.NaN : (double) data.ok / data.rows));
    card(
        h,
        "failed",
        count(data.failed),
        Html.percent(data.rows == 0 ? Double.NaN : (double) data.failed / data.rows));
    if (run != null && run.wallMillis() > 0) {
      long done = run.ok() + run.failed();
      card(h, "throughput", Html.rate(done * 1000.0 / run.wallMillis()), "rows/s");
      if (run.carriedOver() > 0) {
        card(h, "kept", count(run.carriedOver()), "from an earlier run");
      }
    }
    h.append("</section><section>")
        .append(Charts.okFailedBar(data.ok, data.failed))
        .append("</section>");
  }

  private static void settings(StringBuilder h, RunRecord run) {
    if (run == null || run.settings().isEmpty()) {
      return;
    }
    h.append("<details class=settings><summary>Settings</summary><dl>");
    for (Map.Entry<String, String> e : run.settings().entrySet()) {
      h.append("<dt>")
          .append(esc(e.getKey()))
          .append("</dt><dd>")
          .append(esc(e.getValue()))
          .append("</dd>");
    }
    h.append("</dl></details>");
  }

  private static void card(StringBuilder h, String label, String value, String note) {
    h.append("<div class=card><div class=label>")
        .append(esc(label))
        .append("</div><div class=value>")
        .append(value)
        .append("</div><div class=note>")
        .append(note)
        .append("</div></div>");
  }

  private static void timeline(StringBuilder h, RunRecord run, ReportData data) {
    if (data.finishesRecorded() == 0) {
      return;
    }
    long from = data.firstFinish;
    long to = data.lastFinish;
    if (run != null) {
      try {
        from = Instant.parse(run.startedAt()).toEpochMilli();
        to = Math.max(from + run.wallMillis(), data.lastFinish);
      } catch (RuntimeException e) {
        // the table's own times
      }
    }
    long span = Math.max(1, to - from);
    long bucket = bucketMillis(span);
    h.append("<section><h2>Throughput</h2><p class=note>Rows finished per second")
        .append(" (<span class=ok-text>ok</span>, <span class=failed-text>failed</span>),")
        .append(" from the rows' <code>processed_at</code>; each bar is ")
        .append(Html.millis(bucket))
        .append(
            run != null && run.carriedOver() > 0
                ? "; the "
                    + count(run.carriedOver())
                    + " rows kept from an earlier run are not in it"
                : "")
        .append(".</p>")
        .append(Charts.throughput(data.finishedPerBucket(from, to, bucket), bucket));
    if (run != null && showsProgress(run.samples()) && !run.stages().isEmpty()) {
      List<String> names = run.stages().stream().map(RunRecord.Stage::name).toList();
      h.append("<h3>Progress per stage</h3><p class=note>Elements each stage finished, sampled")
          .append(
              " while the run ran: a stage whose line lags the one before it is the bottleneck.</p>")
          .append(Charts.stageProgress(run.samples(), names, run.wallMillis()))
          .append("<p class=legend>");
      for (int i = 0; i < names.size(); i++) {
        h.append("<span><i style='background:")
            .append(Charts.PALETTE[i % Charts.PALETTE.length])
            .append("'></i>")
            .append(esc(names.get(i)))
            .append("</span>");
      }
      h.append("</p>");
    }
    h.append("</section>");
  }

  /**
   * Whether the samples saw the run progress: the runners count an element when its bundle commits,
   * so a run of a few bundles shows its counts only at the end.
   */
  static boolean showsProgress(List<RunRecord.Sample> samples) {
    return samples.stream().map(RunRecord.Sample::rows).distinct().count() >= 4;
  }

  /** A round bar width of 100 ms or more giving at most about 80 bars. */
  static long bucketMillis(long span) {
    long target = Math.max(1, span / 80);
    for (long step :
        new long[] {
          100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
          600_000, 900_000, 1_800_000, 3_600_000
        }) {
      if (step >= target) {
        return step;
      }
    }
    return target;
  }

  private static void stages(StringBuilder h, RunRecord run, ReportData data) {
    h.append("<section><h2>Stages</h2>");
    if (run != null && !run.stages().isEmpty()) {
      stageTable(h, run);
    }
    if (!data.timings.isEmpty()) {
      timingTable(h, data);
    }
    h.append("</section>");
  }

  /** Each stage's executor, calls at once, rows, busy time and share, worker starts and deaths. */
  private static void stageTable(StringBuilder h, RunRecord run) {
    h.append("<table class=sortable><thead><tr><th>stage</th><th>executor</th>")
        .append("<th class=n>at once</th><th class=n>ok</th><th class=n>failed</th>")
        .append(
            "<th class=n>busy</th><th class=n title='busy time over wall time × calls at once'>")
        .append(
            "busy share</th><th class=n>worker starts</th><th>worker deaths</th></tr></thead><tbody>");
    for (RunRecord.Stage s : run.stages()) {
      double share =
          run.wallMillis() <= 0 || s.concurrency() <= 0
              ? Double.NaN
              : s.busyMicros() / 1000.0 / (run.wallMillis() * (double) s.concurrency());
      h.append("<tr><td>")
          .append(esc(s.name()))
          .append("</td><td>")
          .append(esc(s.executor()))
          .append("</td><td class=n>")
          .append(s.concurrency())
          .append("</td><td class=n>")
          .append(count(s.ok()))
          .append("</td><td class=n>")
          .append(count(s.failed()))
          .append("</td><td class=n data-v='")
          .append(s.busyMicros())
          .append("'>")
          .append(Html.millis(s.busyMicros() / 1000.0))
          .append("</td><td class=n>")
          .append(meter(share))
          .append("</td><td class=n>")
          .append(s.executor().equals("processes") ? count(s.workerStarts()) : "–")
          .append("</td><td>")
          .append(
              esc(
                  s.workerDeaths().isEmpty()
                      ? ""
                      : s.workerDeaths().entrySet().stream()
                          .map(e -> e.getKey() + " " + e.getValue())
                          .collect(Collectors.joining(", "))))
          .append("</td></tr>");
    }
    h.append("</tbody></table>");
  }

  /** Each {@code *_ms} column's mean, percentiles, maximum and histogram. */
  private static void timingTable(StringBuilder h, ReportData data) {
    h.append("<h3>Time per element</h3><p class=note>From the table's <code>*_ms</code> columns;")
        .append(" the histograms' axis is logarithmic, dashed lines mark p50 and p99.</p>")
        .append("<table class=sortable><thead><tr><th>column</th><th class=n>rows</th>")
        .append("<th class=n>mean</th><th class=n>p50</th><th class=n>p90</th><th class=n>p99</th>")
        .append("<th class=n>max</th><th>distribution</th></tr></thead><tbody>");
    for (Map.Entry<String, LogHistogram> e : data.timings.entrySet()) {
      LogHistogram t = e.getValue();
      if (t.count() == 0) {
        continue;
      }
      h.append("<tr><td><code>")
          .append(esc(e.getKey()))
          .append("</code></td><td class=n>")
          .append(count(t.count()));
      for (double v :
          new double[] {t.mean(), t.percentile(50), t.percentile(90), t.percentile(99), t.max()}) {
        h.append("</td><td class=n data-v='").append(v).append("'>").append(Html.millis(v));
      }
      h.append("</td><td>").append(Charts.histogram(t)).append("</td></tr>");
    }
    h.append("</tbody></table>");
  }

  private static String meter(double share) {
    if (Double.isNaN(share)) {
      return "–";
    }
    double clamped = Math.max(0, Math.min(1, share));
    return "<span class=meter data-v='"
        + share
        + "'><span style='width:"
        + Html.num(clamped * 100)
        + "%'></span></span> "
        + Html.percent(share);
  }

  /** The page's styles and its one script, from the jar: read once. */
  private static final String STYLE = resource("report.css");

  private static final String SCRIPT = resource("report.js");

  private static String resource(String name) {
    try (java.io.InputStream in = ReportPage.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not beside ReportPage in the jar");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
