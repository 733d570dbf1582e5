package dev.forkline.pipelines.bench;

import static dev.forkline.pipelines.bench.BenchReport.EXECUTORS;

import dev.forkline.pipelines.bench.BenchReport.Cell;
import dev.forkline.pipelines.bench.BenchReport.Row;
import java.util.List;
import java.util.Locale;

/**
 * bench.svg: a grouped bar chart, per workload each executor's elements/s as a share of the best
 * executor of that workload (workloads differ by orders of magnitude), labelled with the rate.
 */
final class BenchSvg {
  private static final String[] COLORS = {"#9e9e9e", "#1f77b4", "#ff7f0e"};
  private static final int LABEL_WIDTH = 330;
  private static final int BAR_HEIGHT = 16;
  private static final int GROUP_GAP = 14;
  private static final int PLOT_WIDTH = 420;

  private BenchSvg() {}

  static String svg(List<Row> rows, String title) {
    int height = 60 + rows.size() * (3 * BAR_HEIGHT + GROUP_GAP) + 30;
    int width = LABEL_WIDTH + PLOT_WIDTH + 120;
    StringBuilder s = new StringBuilder();
    heading(s, width, height, title);
    legend(s, height);
    int y = 55;
    for (Row row : rows) {
      group(s, row, y);
      y += 3 * BAR_HEIGHT + GROUP_GAP;
    }
    s.append("</svg>\n");
    return s.toString();
  }

  /** The svg element, a white background, the title and what the bars are. */
  private static void heading(StringBuilder s, int width, int height, String title) {
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
  }

  /** A colour square and name per executor, along the bottom. */
  private static void legend(StringBuilder s, int height) {
    for (int e = 0; e < EXECUTORS.size(); e++) {
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"%d\">%s</text>\n",
              LABEL_WIDTH + e * 110,
              height - 20,
              COLORS[e],
              LABEL_WIDTH + e * 110 + 14,
              height - 11,
              EXECUTORS.get(e)));
    }
  }

  /** One workload from {@code y} down: its name, then a bar (or n/a) per executor. */
  private static void group(StringBuilder s, Row row, int y) {
    Cell best = row.winner();
    double max = best == null ? 1 : best.perSecond();
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"10\" y=\"%d\">%s</text>\n",
            y + (3 * BAR_HEIGHT) / 2 + 4,
            xml(row.workload())));
    for (int e = 0; e < EXECUTORS.size(); e++) {
      Cell c = row.cell(EXECUTORS.get(e));
      int by = y + e * BAR_HEIGHT;
      if (c == null || !c.measured()) {
        s.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" fill=\"#888\">n/a</text>\n",
                LABEL_WIDTH + 4,
                by + BAR_HEIGHT - 4));
        continue;
      }
      int w = (int) Math.max(1, Math.round(PLOT_WIDTH * c.perSecond() / max));
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"%d\">%s/s</text>\n",
              LABEL_WIDTH,
              by + 1,
              w,
              BAR_HEIGHT - 2,
              COLORS[e],
              LABEL_WIDTH + w + 4,
              by + BAR_HEIGHT - 4,
              BenchReport.rate(c.perSecond())));
    }
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
