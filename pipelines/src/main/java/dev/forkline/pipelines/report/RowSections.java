package dev.forkline.pipelines.report;

import static dev.forkline.pipelines.report.Html.count;
import static dev.forkline.pipelines.report.Html.esc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The report's sections drawn from the rows: failures by kind, hosts, the contact sheet. */
final class RowSections {
  /** Hosts listed in the per-host table, most pages first. */
  static final int HOSTS_SHOWN = 50;

  private RowSections() {}

  static void failures(StringBuilder h, ReportData data) {
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

  static void hosts(StringBuilder h, RunRecord run, ReportData data) {
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

  static void contactSheet(StringBuilder h, ReportData data) {
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
}
