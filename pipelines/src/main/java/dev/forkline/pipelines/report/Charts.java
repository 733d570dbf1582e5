package dev.forkline.pipelines.report;

import static dev.forkline.pipelines.report.Html.esc;

import java.util.List;
import java.util.Locale;

/** Inline SVG charts: drawn here, so the report needs no script library and no network. */
final class Charts {
  static final String OK = "#2f9e6b";
  static final String FAILED = "#d9534f";
  static final String[] PALETTE = {
    "#3b6fd8", "#e08a1e", "#8a4fd1", "#1aa3a3", "#c2417a", "#6b8e23", "#b5651d", "#4a5568"
  };

  private Charts() {}

  /** The time charts' frame and plot area, in the SVG's own units. */
  private static final int WIDTH = 960;

  private static final int HEIGHT = 240;
  private static final int LEFT = 56;
  private static final int TOP = 12;
  private static final int PLOT_W = WIDTH - LEFT - 12;
  private static final int PLOT_H = HEIGHT - TOP - 28;

  /** An open time chart: the caller draws into its plot area and closes it. */
  private static StringBuilder frame(String label) {
    return new StringBuilder()
        .append("<svg class=chart viewBox='0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT)
        .append("' role=img aria-label='")
        .append(esc(label))
        .append("'>");
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** A horizontal bar of ok and failed rows. */
  static String okFailedBar(long ok, long failed) {
    long total = Math.max(1, ok + failed);
    double w = 1000;
    double okWidth = w * ok / total;
    return "<svg class=bar viewBox='0 0 1000 28' preserveAspectRatio='none' role=img aria-label='"
        + Html.count(ok)
        + " ok, "
        + Html.count(failed)
        + " failed'><rect x=0 y=0 height=28 width='"
        + f(okWidth)
        + "' fill='"
        + OK
        + "'/><rect y=0 height=28 x='"
        + f(okWidth)
        + "' width='"
        + f(w - okWidth)
        + "' fill='"
        + (failed == 0 ? OK : FAILED)
        + "'/></svg>";
  }

  /**
   * Rows finished per second, ok and failed stacked, over the run's time; {@code buckets[i]} holds
   * the ok and failed counts of the {@code i}-th {@code bucketMillis}.
   */
  static String throughput(long[][] buckets, long bucketMillis) {
    double perSecond = 1000.0 / bucketMillis;
    double max = 0;
    for (long[] b : buckets) {
      max = Math.max(max, (b[0] + b[1]) * perSecond);
    }
    max = nice(max);
    StringBuilder svg = frame("rows finished per second over the run");
    grid(svg, LEFT, TOP, PLOT_W, PLOT_H, max, "/s");
    double barW = (double) PLOT_W / Math.max(1, buckets.length);
    for (int i = 0; i < buckets.length; i++) {
      double x = LEFT + i * barW;
      double okH = PLOT_H * buckets[i][0] * perSecond / max;
      double failedH = PLOT_H * buckets[i][1] * perSecond / max;
      String tip =
          esc(
              clock(i * (double) bucketMillis, buckets.length * (double) bucketMillis)
                  + ": "
                  + Html.rate(buckets[i][0] * perSecond)
                  + " ok/s, "
                  + Html.rate(buckets[i][1] * perSecond)
                  + " failed/s");
      svg.append("<g><title>").append(tip).append("</title>");
      rect(svg, x, TOP + PLOT_H - okH, Math.max(barW - 1, 0.6), okH, OK);
      rect(svg, x, TOP + PLOT_H - okH - failedH, Math.max(barW - 1, 0.6), failedH, FAILED);
      svg.append("</g>");
    }
    timeAxis(svg, LEFT, TOP + PLOT_H, PLOT_W, buckets.length * (double) bucketMillis);
    return svg.append("</svg>").toString();
  }

  /** Each stage's elements done over the run's time, from the samples taken while it ran. */
  static String stageProgress(List<RunRecord.Sample> samples, List<String> stages, long wall) {
    double max = 1;
    long end = Math.max(1, wall);
    for (RunRecord.Sample s : samples) {
      for (String stage : stages) {
        max = Math.max(max, s.stages().getOrDefault(stage, 0L));
      }
      end = Math.max(end, s.millis());
    }
    max = nice(max);
    StringBuilder svg = frame("elements done per stage over the run");
    grid(svg, LEFT, TOP, PLOT_W, PLOT_H, max, "");
    for (int k = 0; k < stages.size(); k++) {
      String stage = stages.get(k);
      StringBuilder points = new StringBuilder(f(LEFT) + "," + f(TOP + PLOT_H));
      for (RunRecord.Sample s : samples) {
        double x = LEFT + PLOT_W * (double) s.millis() / end;
        double y = TOP + PLOT_H - PLOT_H * s.stages().getOrDefault(stage, 0L) / max;
        points.append(' ').append(f(x)).append(',').append(f(y));
      }
      svg.append("<polyline fill=none stroke-width=2 stroke='")
          .append(PALETTE[k % PALETTE.length])
          .append("' points='")
          .append(points)
          .append("'><title>")
          .append(esc(stage))
          .append("</title></polyline>");
    }
    timeAxis(svg, LEFT, TOP + PLOT_H, PLOT_W, end);
    return svg.append("</svg>").toString();
  }

  /** A small histogram of a timing column, on a logarithmic axis, with its p50 and p99 marked. */
  static String histogram(LogHistogram h) {
    int bins = 24;
    int width = 240;
    int height = 44;
    long[] counts = h.bins(bins);
    double[] edges = h.binEdges(bins);
    long max = 1;
    for (long c : counts) {
      max = Math.max(max, c);
    }
    StringBuilder svg = new StringBuilder();
    svg.append("<svg class=hist viewBox='0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("' role=img aria-label='distribution'>");
    double barW = (double) width / bins;
    for (int i = 0; i < counts.length; i++) {
      double barH = (height - 4) * counts[i] / (double) max;
      svg.append("<g><title>")
          .append(esc(Html.millis(edges[i]) + " to " + Html.millis(edges[i + 1]) + ": "))
          .append(Html.count(counts[i]))
          .append("</title>");
      rect(
          svg, i * barW, height - barH, barW - 1, Math.max(barH, counts[i] > 0 ? 1 : 0), "#5b7fc7");
      svg.append("</g>");
    }
    double lo = Math.log(edges[0] <= 0 ? 1e-3 : edges[0]);
    double hi = Math.log(edges[bins]);
    for (double p : new double[] {50, 99}) {
      double v = h.percentile(p);
      double x = hi == lo ? 0 : width * (Math.log(Math.max(v, 1e-3)) - lo) / (hi - lo);
      x = Math.max(0, Math.min(width - 1, x));
      svg.append("<line stroke='#222' stroke-dasharray='2 2' x1='")
          .append(f(x))
          .append("' x2='")
          .append(f(x))
          .append("' y1=0 y2='")
          .append(height)
          .append("'><title>p")
          .append((int) p)
          .append(' ')
          .append(esc(Html.millis(v)))
          .append("</title></line>");
    }
    return svg.append("</svg>").toString();
  }

  private static void rect(StringBuilder svg, double x, double y, double w, double h, String fill) {
    if (h <= 0 || w <= 0) {
      return;
    }
    svg.append("<rect x='")
        .append(f(x))
        .append("' y='")
        .append(f(y))
        .append("' width='")
        .append(f(w))
        .append("' height='")
        .append(f(h))
        .append("' fill='")
        .append(fill)
        .append("'/>");
  }

  private static void grid(
      StringBuilder svg, int left, int top, int plotW, int plotH, double max, String unit) {
    for (int i = 0; i <= 4; i++) {
      double y = top + plotH - plotH * i / 4.0;
      svg.append("<line class=grid x1='")
          .append(left)
          .append("' x2='")
          .append(left + plotW)
          .append("' y1='")
          .append(f(y))
          .append("' y2='")
          .append(f(y))
          .append("'/><text class=axis text-anchor=end x='")
          .append(left - 6)
          .append("' y='")
          .append(f(y + 4))
          .append("'>")
          .append(esc(axisNumber(max * i / 4.0) + unit))
          .append("</text>");
    }
  }

  private static void timeAxis(StringBuilder svg, int left, int y, int plotW, double spanMillis) {
    for (int i = 0; i <= 5; i++) {
      double x = left + plotW * i / 5.0;
      svg.append("<text class=axis text-anchor=")
          .append(i == 0 ? "start" : i == 5 ? "end" : "middle")
          .append(" x='")
          .append(f(x))
          .append("' y='")
          .append(y + 18)
          .append("'>")
          .append(esc(clock(spanMillis * i / 5.0, spanMillis)))
          .append("</text>");
    }
  }

  /** A time on the axis: seconds to a tenth in a short run, minutes and seconds in a long one. */
  static String clock(double millis, double span) {
    if (span < 10_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000);
    }
    long s = Math.round(millis / 1000);
    if (span < 120_000) {
      return s + " s";
    }
    return span < 7_200_000
        ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d h", s / 3600, s / 60 % 60);
  }

  private static String axisNumber(double v) {
    if (v >= 10_000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (v >= 10 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** A round number at or above {@code v}: 1, 2 or 5 times a power of ten. */
  static double nice(double v) {
    if (v <= 0) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * power >= v) {
        return m * power;
      }
    }
    return 10 * power;
  }
}
