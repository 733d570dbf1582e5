package dev.forkline.pipelines.report;

/**
 * Durations in milliseconds counted in buckets 2 % wide from 10 µs to 100,000 s: percentiles to
 * within 2 % in constant memory, whatever the table's size.
 */
final class LogHistogram {
  private static final double LOW = 0.01;
  private static final double RATIO = 1.02;
  private static final double LOG_RATIO = Math.log(RATIO);
  private static final int BUCKETS = 2 + (int) Math.ceil(Math.log(1e8 / LOW) / LOG_RATIO);

  private final long[] counts = new long[BUCKETS];
  private long count;
  private double sum;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;

  void add(double millis) {
    if (Double.isNaN(millis) || millis < 0) {
      return;
    }
    counts[index(millis)]++;
    count++;
    sum += millis;
    min = Math.min(min, millis);
    max = Math.max(max, millis);
  }

  private static int index(double millis) {
    if (millis < LOW) {
      return 0;
    }
    return Math.min(BUCKETS - 1, 1 + (int) (Math.log(millis / LOW) / LOG_RATIO));
  }

  /** The middle of bucket {@code i}, clamped to what was seen. */
  private double value(int i) {
    double v = i == 0 ? LOW / 2 : LOW * Math.pow(RATIO, i - 0.5);
    return Math.max(min, Math.min(max, v));
  }

  long count() {
    return count;
  }

  double mean() {
    return count == 0 ? Double.NaN : sum / count;
  }

  double sum() {
    return sum;
  }

  double min() {
    return count == 0 ? Double.NaN : min;
  }

  double max() {
    return count == 0 ? Double.NaN : max;
  }

  /** The {@code p}-th percentile, {@code p} from 0 to 100. */
  double percentile(double p) {
    if (count == 0) {
      return Double.NaN;
    }
    if (p >= 100) {
      return max;
    }
    long rank = (long) Math.ceil(p / 100.0 * count);
    rank = Math.max(1, rank);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return value(i);
      }
    }
    return max;
  }

  /**
   * The counts re-binned into {@code bins} equal steps of the logarithm between the smallest and
   * the largest value (one bin if they are equal); {@link #binEdges} gives their bounds.
   */
  long[] bins(int bins) {
    long[] out = new long[count == 0 ? 0 : bins];
    if (count == 0) {
      return out;
    }
    double[] edges = binEdges(bins);
    for (int i = 0; i < BUCKETS; i++) {
      if (counts[i] == 0) {
        continue;
      }
      double v = value(i);
      int b = 0;
      while (b < bins - 1 && v >= edges[b + 1]) {
        b++;
      }
      out[b] += counts[i];
    }
    return out;
  }

  /** The {@code bins + 1} bounds of {@link #bins}. */
  double[] binEdges(int bins) {
    double[] edges = new double[bins + 1];
    double lo = Math.max(min, LOW);
    double hi = Math.max(max, lo * 1.0001);
    double step = Math.log(hi / lo) / bins;
    for (int i = 0; i <= bins; i++) {
      edges[i] = lo * Math.exp(step * i);
    }
    edges[0] = Math.min(edges[0], min);
    return edges;
  }
}
