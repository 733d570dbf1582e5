package dev.forkline.pipelines.report;

import static dev.forkline.pipelines.report.Html.count;
import static dev.forkline.pipelines.report.Html.esc;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The report of a run as one HTML file: styles, charts and thumbnails inline. */
final class ReportPage {
  /** Hosts listed in the per-host table, most pages first. */
  static final int HOSTS_SHOWN = 50;

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
    failures(h, data);
    if (data.keyColumn.equals("url")) {
      hosts(h, run, data);
    } else if (thumbnails) {
      contactSheet(h, data);
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
        to = from + run.wallMillis();
      } catch (RuntimeException e) {
        // the table's own times
      }
    }
    long span = Math.max(1, Math.max(to, data.lastFinish) - Math.min(from, data.firstFinish));
    long bucket = bucketMillis(span);
    h.append("<section><h2>Throughput</h2><p class=note>Rows finished per second")
        .append(" (<span class=ok-text>ok</span>, <span class=failed-text>failed</span>),")
        .append(" from the rows' <code>processed_at</code>; each bar is ")
        .append(Html.millis(bucket))
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
    if (!data.timings.isEmpty()) {
      h.append("<h3>Time per element</h3><p class=note>From the table's <code>*_ms</code> columns;")
          .append(" the histograms' axis is logarithmic, dashed lines mark p50 and p99.</p>")
          .append("<table class=sortable><thead><tr><th>column</th><th class=n>rows</th>")
          .append(
              "<th class=n>mean</th><th class=n>p50</th><th class=n>p90</th><th class=n>p99</th>")
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
            new double[] {
              t.mean(), t.percentile(50), t.percentile(90), t.percentile(99), t.max()
            }) {
          h.append("</td><td class=n data-v='").append(v).append("'>").append(Html.millis(v));
        }
        h.append("</td><td>").append(Charts.histogram(t)).append("</td></tr>");
      }
      h.append("</tbody></table>");
    }
    h.append("</section>");
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

  private static void failures(StringBuilder h, ReportData data) {
    if (data.failures.isEmpty()) {
      return;
    }
    List<ReportData.Kind> kinds = new ArrayList<>(data.failures.values());
    kinds.sort(
        Comparator.comparingLong((ReportData.Kind k) -> -k.count).thenComparing(k -> k.kind));
    long most = kinds.get(0).count;
    h.append("<section><h2>Failures by kind</h2><table><thead><tr><th>kind</th>")
        .append(
            "<th class=n>rows</th><th></th><th>stages</th><th>examples</th></tr></thead><tbody>");
    for (ReportData.Kind k : kinds) {
      h.append("<tr><td><code>")
          .append(esc(k.kind))
          .append("</code></td><td class=n>")
          .append(count(k.count))
          .append("</td><td class=barcell><span class=hbar style='width:")
          .append(Html.num(100.0 * k.count / most))
          .append("%'></span></td><td>")
          .append(
              esc(
                  k.stages.entrySet().stream()
                      .map(e -> e.getKey() + (k.stages.size() > 1 ? " " + e.getValue() : ""))
                      .collect(Collectors.joining(", "))))
          .append("</td><td><details><summary>")
          .append(esc(ReportData.clip(k.examples.get(0)[0], 80)))
          .append("</summary><ul>");
      for (String[] example : k.examples) {
        h.append("<li><code>")
            .append(esc(example[0]))
            .append("</code><br>")
            .append(esc(example[2]))
            .append("</li>");
      }
      h.append("</ul></details></td></tr>");
    }
    h.append("</tbody></table></section>");
  }

  private static String politeness(RunRecord run) {
    if (run == null || !run.settings().containsKey("delay")) {
      return "";
    }
    Map<String, String> w = run.settings();
    return " Each host: at most "
        + esc(w.get("per-host"))
        + " requests at once, "
        + esc(w.get("delay"))
        + " between starts; robots.txt "
        + esc(w.get("robots"))
        + ".";
  }

  private static void hosts(StringBuilder h, RunRecord run, ReportData data) {
    if (data.hosts.isEmpty()) {
      return;
    }
    List<ReportData.Host> hosts = new ArrayList<>(data.hosts.values());
    hosts.sort(
        Comparator.comparingLong((ReportData.Host x) -> -x.pages).thenComparing(x -> x.host));
    h.append("<section><h2>Hosts</h2><p class=note>")
        .append(count(hosts.size() + (data.otherHosts.pages > 0 ? 1 : 0)))
        .append(hosts.size() == 1 ? " host" : " hosts")
        .append(hosts.size() > HOSTS_SHOWN ? "; the " + HOSTS_SHOWN + " with most pages" : "")
        .append(".")
        .append(politeness(run))
        .append("</p><table class=sortable><thead><tr><th>host</th><th class=n>pages</th>")
        .append("<th class=n>failed</th><th class=n>robots denied</th><th class=n>mean fetch</th>")
        .append("<th>failures</th></tr></thead><tbody>");
    List<ReportData.Host> shown =
        new ArrayList<>(hosts.subList(0, Math.min(HOSTS_SHOWN, hosts.size())));
    if (data.otherHosts.pages > 0) {
      shown.add(data.otherHosts);
    }
    for (ReportData.Host x : shown) {
      h.append("<tr><td>")
          .append(esc(x.host))
          .append("</td><td class=n>")
          .append(count(x.pages))
          .append("</td><td class=n>")
          .append(count(x.failed))
          .append("</td><td class=n>")
          .append(count(x.robotsDenied))
          .append("</td><td class=n data-v='")
          .append(Double.isNaN(x.meanFetchMillis()) ? -1 : x.meanFetchMillis())
          .append("'>")
          .append(Html.millis(x.meanFetchMillis()))
          .append("</td><td>")
          .append(
              esc(
                  x.kinds.entrySet().stream()
                      .sorted(Map.Entry.comparingByValue(Comparator.reverseOrder()))
                      .map(e -> e.getKey() + " " + e.getValue())
                      .collect(Collectors.joining(", "))))
          .append("</td></tr>");
    }
    h.append("</tbody></table></section>");
  }

  private static void contactSheet(StringBuilder h, ReportData data) {
    if (data.images.isEmpty()) {
      return;
    }
    h.append("<section><h2>Samples</h2><p class=note>")
        .append(data.images.size())
        .append(
            " ok rows spread over the table: each input beside its output.</p><div class=sheet>");
    for (ReportData.ImageRow row : data.images) {
      h.append("<figure><div class=pair>")
          .append(thumb(Thumbnails.dataUrl(row.inputPath()), "input"))
          .append("<span class=arrow>→</span>")
          .append(thumb(Thumbnails.dataUrl(row.outputPath()), "output"))
          .append("</div><figcaption><code>")
          .append(esc(ReportData.clip(row.input(), 60)))
          .append("</code><br>")
          .append(esc(orDash(row.sizeIn())))
          .append(" → ")
          .append(esc(orDash(row.sizeOut())))
          .append(" · ")
          .append(Html.bytes(row.bytesIn()))
          .append(" → ")
          .append(Html.bytes(row.bytesOut()))
          .append("</figcaption></figure>");
    }
    h.append("</div></section>");
  }

  private static String thumb(String dataUrl, String what) {
    return dataUrl == null
        ? "<span class=missing>no " + what + "</span>"
        : "<img alt='" + what + "' src='" + dataUrl + "'>";
  }

  private static String orDash(String s) {
    return s == null ? "–" : s;
  }

  private static final String STYLE =
      """
      :root{--fg:#1d2330;--muted:#5d6675;--bg:#f7f8fa;--card:#fff;--line:#e2e5ea;--accent:#3b6fd8}
      @media (prefers-color-scheme:dark){:root{--fg:#e6e9ef;--muted:#9aa3b2;--bg:#14171c;--card:#1d2128;--line:#2c323c}}
      *{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
      main{max-width:1040px;margin:0 auto;padding:24px 20px 48px}h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:15px;margin:18px 0 6px}
      .meta,.note,footer{color:var(--muted)}footer{margin-top:36px;font-size:12px}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
      .badge{font-size:13px;padding:2px 10px;border-radius:999px;vertical-align:middle;color:#fff}.badge.ok{background:#2f9e6b}.badge.failed{background:#d9534f}
      .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:12px;margin:18px 0}
      .card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
      .card .value{font-size:24px;font-weight:600}.card .note{font-size:12px}
      svg.bar{width:100%;height:14px;border-radius:7px;display:block}svg.chart{width:100%;height:auto;background:var(--card);border:1px solid var(--line);border-radius:10px}
      svg .grid{stroke:var(--line)}svg .axis{fill:var(--muted);font-size:11px}svg.hist{width:240px;height:44px;display:block}svg.hist rect{opacity:.9}
      table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);border-radius:10px;overflow:hidden}
      th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}th{font-size:12px;color:var(--muted);font-weight:600}
      table.sortable th{cursor:pointer}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
      .meter{display:inline-block;width:60px;height:8px;background:var(--line);border-radius:4px;vertical-align:middle;overflow:hidden}.meter span{display:block;height:100%;background:var(--accent)}
      .barcell{width:120px}.hbar{display:inline-block;height:10px;background:#d9534f;border-radius:3px}
      .settings{margin:8px 0 0}.settings dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}.settings dt{color:var(--muted)}.settings dd{margin:0;overflow-wrap:anywhere}
      .ok-text{color:#2f9e6b}.failed-text{color:#d9534f}details summary{cursor:pointer}details ul{margin:6px 0;padding-left:18px}
      .legend span{margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}
      .sheet{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:12px}
      figure{margin:0;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:10px}
      .pair{display:flex;align-items:center;gap:8px;justify-content:center;min-height:120px}.pair img{max-width:140px;max-height:140px;border-radius:4px}
      .arrow{color:var(--muted)}.missing{color:var(--muted);font-size:12px}figcaption{font-size:12px;color:var(--muted);margin-top:6px}
      """;

  /** Sorting by a column on a click of its header: numbers by data-v or their digits. */
  private static final String SCRIPT =
      """
      document.querySelectorAll('table.sortable').forEach(t=>{t.querySelectorAll('th').forEach((th,i)=>{let asc=false;th.addEventListener('click',()=>{asc=!asc;const b=t.tBodies[0];const rows=[...b.rows];const key=r=>{const c=r.cells[i];if(!c)return '';if(c.dataset.v!==undefined)return parseFloat(c.dataset.v);const m=c.querySelector('[data-v]');if(m)return parseFloat(m.dataset.v);const s=c.textContent.replace(/,/g,'');return /^-?[0-9.]+$/.test(s.trim())?parseFloat(s):s.toLowerCase()};rows.sort((a,b2)=>{const x=key(a),y=key(b2);return (x<y?-1:x>y?1:0)*(asc?1:-1)});rows.forEach(r=>b.appendChild(r))})})});
      """;
}
