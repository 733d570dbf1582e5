package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code convolve}: a custom square kernel of odd size (1x1 to 31x31) over R, G and B, edges
 * clamped, alpha kept. {@code kernel} lists numbers separated by spaces or commas, rows separated
 * by {@code ;} (e.g. {@code 0 -1 0; -1 5 -1; 0 -1 0}); the kernel is applied as written (not
 * flipped, i.e. correlation, as image tools do). Each sum is divided by {@code divisor} (default
 * the kernel's sum, or 1 if that is 0), then {@code offset} (default 0) is added, then rounded and
 * clamped. Kernels of 5x5 or more that are an outer product of a column and a row (rank 1, like a
 * Gaussian or box) run as two 1-D passes. Immutable and thread-safe.
 */
public final class Convolve implements Filter {
  static final List<String> PARAMS = List.of("kernel", "divisor", "offset");
  static final int MAX_SIZE = 31;

  private final double[] kernel;
  private final int size;
  private final Double divisor;
  private final double offset;
  private final double scale;

  /** Column and row factors when the kernel is rank 1 and at least 5x5, else null. */
  private final double[] column;

  private final double[] row;

  /**
   * A convolution with {@code kernel} ({@code size x size}, row by row); {@code divisor} null for
   * the default.
   */
  public Convolve(double[] kernel, Double divisor, double offset) {
    int n = (int) Math.round(Math.sqrt(kernel.length));
    if (n * n != kernel.length || n % 2 == 0 || n > MAX_SIZE) {
      throw new IllegalArgumentException(
          "convolve: kernel must be square with an odd size up to "
              + MAX_SIZE
              + ", not "
              + kernel.length
              + " numbers");
    }
    for (double k : kernel) {
      if (!Double.isFinite(k)) {
        throw new IllegalArgumentException("convolve: kernel numbers must be finite");
      }
    }
    if (divisor != null && (divisor == 0 || !Double.isFinite(divisor))) {
      throw new IllegalArgumentException("convolve: divisor must be a non-zero number");
    }
    if (!Double.isFinite(offset)) {
      throw new IllegalArgumentException("convolve: offset must be a finite number");
    }
    this.kernel = kernel.clone();
    this.size = n;
    this.divisor = divisor;
    this.offset = offset;
    double sum = 0;
    for (double k : kernel) {
      sum += k;
    }
    double d = divisor != null ? divisor : Math.abs(sum) < 1e-12 ? 1 : sum;
    this.scale = 1 / d;
    double[][] factors = n >= 5 ? rankOne(this.kernel, n) : null;
    this.column = factors == null ? null : factors[0];
    this.row = factors == null ? null : factors[1];
  }

  static Filter parse(Params p) {
    if (!p.has("kernel")) {
      throw p.error("missing parameter 'kernel', e.g. kernel=\"0 -1 0; -1 5 -1; 0 -1 0\"");
    }
    String text = p.string("kernel");
    String[] rows = text.split(";", -1);
    List<Double> values = new ArrayList<>();
    for (String r : rows) {
      String[] cells = r.trim().split("[\\s,]+");
      if (cells.length != rows.length) {
        throw p.invalid(
            "kernel",
            text,
            "a square matrix of odd size: numbers separated by spaces or commas, rows by ';'");
      }
      for (String c : cells) {
        try {
          values.add(Double.parseDouble(c));
        } catch (NumberFormatException e) {
          throw p.invalid("kernel", text, "numbers only ('" + c + "' is not one)");
        }
      }
    }
    if (rows.length % 2 == 0 || rows.length > MAX_SIZE) {
      throw p.invalid("kernel", text, "of odd size from 1 to " + MAX_SIZE);
    }
    double[] k = values.stream().mapToDouble(Double::doubleValue).toArray();
    Double divisor = p.number("divisor", null, -Double.MAX_VALUE, Double.MAX_VALUE);
    if (divisor != null && divisor == 0) {
      throw p.invalid("divisor", p.string("divisor"), "a non-zero number");
    }
    return new Convolve(k, divisor, p.number("offset", 0.0, -255, 255));
  }

  /** {@code {column, row}} with {@code k[i][j] = column[i] * row[j]}, or null if not rank 1. */
  static double[][] rankOne(double[] k, int n) {
    int pivot = 0;
    for (int i = 1; i < k.length; i++) {
      if (Math.abs(k[i]) > Math.abs(k[pivot])) {
        pivot = i;
      }
    }
    double max = Math.abs(k[pivot]);
    if (max == 0) {
      return null;
    }
    int pr = pivot / n;
    int pc = pivot % n;
    double[] column = new double[n];
    double[] row = new double[n];
    for (int i = 0; i < n; i++) {
      column[i] = k[i * n + pc] / k[pivot];
      row[i] = k[pr * n + i];
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (Math.abs(column[i] * row[j] - k[i * n + j]) > 1e-9 * max) {
          return null;
        }
      }
    }
    return new double[][] {column, row};
  }

  @Override
  public Pixels apply(Pixels in) {
    return column != null ? separable(in) : direct(in);
  }

  private Pixels direct(Pixels in) {
    int w = in.width();
    int h = in.height();
    int[] src = in.argb();
    int[] out = new int[src.length];
    int rad = size / 2;
    int[] xs = new int[size];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int j = 0; j < size; j++) {
          xs[j] = Math.min(w - 1, Math.max(0, x + j - rad));
        }
        double r = 0;
        double g = 0;
        double b = 0;
        for (int i = 0; i < size; i++) {
          int base = Math.min(h - 1, Math.max(0, y + i - rad)) * w;
          for (int j = 0; j < size; j++) {
            double k = kernel[i * size + j];
            int c = src[base + xs[j]];
            r += k * ((c >>> 16) & 0xFF);
            g += k * ((c >>> 8) & 0xFF);
            b += k * (c & 0xFF);
          }
        }
        out[y * w + x] = finish(src[y * w + x], r, g, b);
      }
    }
    return new Pixels(w, h, out, in.alpha());
  }

  private Pixels separable(Pixels in) {
    int w = in.width();
    int h = in.height();
    int[] src = in.argb();
    int rad = size / 2;
    double[] tmp = new double[src.length * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double r = 0;
        double g = 0;
        double b = 0;
        for (int j = 0; j < size; j++) {
          int c = src[y * w + Math.min(w - 1, Math.max(0, x + j - rad))];
          r += row[j] * ((c >>> 16) & 0xFF);
          g += row[j] * ((c >>> 8) & 0xFF);
          b += row[j] * (c & 0xFF);
        }
        int o = (y * w + x) * 3;
        tmp[o] = r;
        tmp[o + 1] = g;
        tmp[o + 2] = b;
      }
    }
    int[] out = new int[src.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double r = 0;
        double g = 0;
        double b = 0;
        for (int i = 0; i < size; i++) {
          int o = (Math.min(h - 1, Math.max(0, y + i - rad)) * w + x) * 3;
          r += column[i] * tmp[o];
          g += column[i] * tmp[o + 1];
          b += column[i] * tmp[o + 2];
        }
        out[y * w + x] = finish(src[y * w + x], r, g, b);
      }
    }
    return new Pixels(w, h, out, in.alpha());
  }

  private int finish(int original, double r, double g, double b) {
    return (original & 0xFF000000)
        | (Colors.clamp(r * scale + offset) << 16)
        | (Colors.clamp(g * scale + offset) << 8)
        | Colors.clamp(b * scale + offset);
  }

  @Override
  public String describe() {
    StringBuilder b = new StringBuilder("convolve kernel=");
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        b.append(';');
      }
      for (int j = 0; j < size; j++) {
        if (j > 0) {
          b.append(',');
        }
        b.append(Params.format(kernel[i * size + j]));
      }
    }
    if (divisor != null) {
      b.append(" divisor=").append(Params.format(divisor));
    }
    if (offset != 0) {
      b.append(" offset=").append(Params.format(offset));
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return describe();
  }
}
