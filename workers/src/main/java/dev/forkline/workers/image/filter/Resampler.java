package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Separable two-pass resampling with weight tables computed once per axis: for each output column
 * or row, the first source index and its normalized float weights. Source indices beyond the edge
 * are clamped (their weight goes to the edge pixel). Works on premultiplied colour when the image
 * has alpha. The pass order is chosen by estimated cost: when shrinking, columns first (a
 * vectorizable weighted sum of whole source rows, unpacked once each into a small ring) and then
 * the scalar rows pass on output rows only.
 *
 * <p>When an axis shrinks by {@code 2 * REDUCE_GAP} times or more, the source is first averaged
 * over integer {@code k x k} boxes, {@code k = floor(scale / REDUCE_GAP)} (area reduction, cheap),
 * and the filter only does the remaining factor, which stays at least {@code REDUCE_GAP}. 2.0 is
 * the default of Pillow's {@code reducing_gap} and libvips' {@code gap}: below 4x the result is the
 * exact one; 1.0 would be ~30% faster at 2-4x but aliases fine texture.
 */
final class Resampler {
  /** The shrink factor left for the filter after box reduction; reduction starts at 2x this. */
  static final double REDUCE_GAP = 2.0;

  private Resampler() {}

  /** The resampling kernels: support radius at scale 1 and value. */
  enum Kernel {
    /** Triangle (tent), radius 1. */
    BILINEAR(1) {
      @Override
      double value(double x) {
        x = Math.abs(x);
        return x < 1 ? 1 - x : 0;
      }
    },
    /** Catmull-Rom cubic (Keys a = -0.5, i.e. B = 0, C = 0.5), radius 2: interpolating. */
    BICUBIC(2) {
      @Override
      double value(double x) {
        x = Math.abs(x);
        if (x < 1) {
          return (1.5 * x - 2.5) * x * x + 1;
        }
        if (x < 2) {
          return ((-0.5 * x + 2.5) * x - 4) * x + 2;
        }
        return 0;
      }
    },
    /** Lanczos windowed sinc, 3 lobes. */
    LANCZOS3(3) {
      @Override
      double value(double x) {
        x = Math.abs(x);
        if (x < 1e-9) {
          return 1;
        }
        if (x >= 3) {
          return 0;
        }
        double px = Math.PI * x;
        return 3 * Math.sin(px) * Math.sin(px / 3) / (px * px);
      }
    };

    final int radius;

    Kernel(int radius) {
      this.radius = radius;
    }

    abstract double value(double x);
  }

  /** Per output index {@code i}: taps {@code start[i] .. start[i] + count[i]}, weights at i*n. */
  static final class Weights {
    final int[] start;
    final int[] count;
    final float[] weights;
    final int stride;

    /** {@link FixedPoint#quantize} of these weights, once; {@link #OVER_LIMIT} for its null. */
    private volatile int[] fixed;

    private static final int[] OVER_LIMIT = new int[0];

    Weights(int[] start, int[] count, float[] weights, int stride) {
      this.start = start;
      this.count = count;
      this.weights = weights;
      this.stride = stride;
    }

    /** {@link FixedPoint#quantize}{@code (this)}, computed once (callers must not change it). */
    int[] fixedPoint() {
      int[] f = fixed;
      if (f == null) {
        f = FixedPoint.quantize(this);
        fixed = f = f == null ? OVER_LIMIT : f;
      }
      return f == OVER_LIMIT ? null : f;
    }
  }

  private record WeightsKey(Kernel kernel, int srcSize, int dstSize, double scale) {}

  /**
   * Weights already computed, for the next image of the same size (a batch's photos mostly share
   * one): computing them is about 4 % of a 1080p photo's transform. At most {@value #CACHED} sets
   * of at most {@value #CACHED_FLOATS} weights each, so at most 32 MB with their fixed-point
   * copies.
   */
  private static final Map<WeightsKey, Weights> CACHE = new ConcurrentHashMap<>();

  private static final int CACHED = 16;
  private static final int CACHED_FLOATS = 1 << 18;

  /** {@link #weights}, from the cache when the same mapping was asked for before. */
  static Weights cachedWeights(Kernel kernel, int srcSize, int dstSize, double scale) {
    WeightsKey key = new WeightsKey(kernel, srcSize, dstSize, scale);
    Weights w = CACHE.get(key);
    if (w == null) {
      w = weights(kernel, srcSize, dstSize, scale);
      if (w.weights.length <= CACHED_FLOATS) {
        if (CACHE.size() >= CACHED) {
          CACHE.clear();
        }
        CACHE.put(key, w);
      }
    }
    return w;
  }

  /**
   * The weights mapping {@code srcSize} source pixels onto {@code dstSize}, where one output pixel
   * spans {@code scale} source pixels (output i's centre is at source {@code (i + 0.5) scale}).
   */
  static Weights weights(Kernel kernel, int srcSize, int dstSize, double scale) {
    double fs = Math.max(scale, 1.0);
    double support = kernel.radius * fs;
    int stride = (int) Math.ceil(2 * support) + 2;
    int[] start = new int[dstSize];
    int[] count = new int[dstSize];
    float[] weights = new float[dstSize * stride];
    double[] tmp = new double[Math.min(srcSize, stride + 2)];
    for (int i = 0; i < dstSize; i++) {
      double center = (i + 0.5) * scale;
      int left = (int) Math.floor(center - support - 0.5);
      int right = (int) Math.ceil(center + support - 0.5);
      int first = clamp(left, srcSize);
      int last = clamp(right, srcSize);
      java.util.Arrays.fill(tmp, 0, last - first + 1, 0);
      for (int j = left; j <= right; j++) {
        double w = kernel.value((j + 0.5 - center) / fs);
        if (w != 0) {
          tmp[clamp(j, srcSize) - first] += w;
        }
      }
      int lo = 0;
      int hi = last - first;
      while (lo < hi && tmp[lo] == 0) {
        lo++;
      }
      while (hi > lo && tmp[hi] == 0) {
        hi--;
      }
      double sum = 0;
      for (int k = lo; k <= hi; k++) {
        sum += tmp[k];
      }
      start[i] = first + lo;
      count[i] = hi - lo + 1;
      for (int k = lo; k <= hi; k++) {
        weights[i * stride + k - lo] = (float) (tmp[k] / sum);
      }
    }
    return new Weights(start, count, weights, stride);
  }

  private static int clamp(int i, int size) {
    return i < 0 ? 0 : (i >= size ? size - 1 : i);
  }

  /** {@code in} resampled to {@code dstW x dstH}, with box reduction for large shrinks. */
  static Pixels resize(Pixels in, int dstW, int dstH, Kernel kernel) {
    return resize(in, dstW, dstH, kernel, true);
  }

  /** As {@link #resize(Pixels, int, int, Kernel)}; {@code reduce=false} forces the exact path. */
  static Pixels resize(Pixels in, int dstW, int dstH, Kernel kernel, boolean reduce) {
    return resize(in, dstW, dstH, kernel, reduce ? REDUCE_GAP : 0);
  }

  /**
   * As {@link #resize(Pixels, int, int, Kernel)}, box-reducing an axis by {@code floor(scale /
   * gap)} when that is 2 or more; {@code gap = 0} for none.
   */
  static Pixels resize(Pixels in, int dstW, int dstH, Kernel kernel, double gap) {
    return resize(
        in, dstW, dstH, kernel, gap, (double) in.width() / dstW, (double) in.height() / dstH);
  }

  /**
   * As {@link #resize(Pixels, int, int, Kernel, double)}, one output pixel spanning {@code scaleX}
   * by {@code scaleY} pixels of {@code in}: for an image decoded at a fraction of its size, whose
   * last row and column stand for less than a whole pixel, the scale of the whole image's.
   */
  static Pixels resize(
      Pixels in, int dstW, int dstH, Kernel kernel, double gap, double scaleX, double scaleY) {
    int w = in.width();
    int h = in.height();
    boolean premultiply = in.alpha();
    int kx = gap > 0 ? Math.max(1, (int) Math.floor(scaleX / gap)) : 1;
    int ky = gap > 0 ? Math.max(1, (int) Math.floor(scaleY / gap)) : 1;

    float[] src = null;
    int sw = w;
    int sh = h;
    if (kx > 1 || ky > 1) {
      sw = (w + kx - 1) / kx;
      sh = (h + ky - 1) / ky;
      src = boxReduce(in, kx, ky, sw, sh, premultiply);
    }
    Weights wx = cachedWeights(kernel, sw, dstW, scaleX / kx);
    Weights wy = cachedWeights(kernel, sh, dstH, scaleY / ky);
    // Rows-first runs the scalar row pass on every source row; columns-first runs the vectorizable
    // column pass (4 floats a tap, cheaper) on full source rows and the row pass on output rows.
    double rowsFirst = (double) sh * dstW * avg(wx) + 0.25 * dstH * dstW * avg(wy);
    double columnsFirst = 0.25 * dstH * sw * avg(wy) + (double) dstH * dstW * avg(wx);
    if (columnsFirst < rowsFirst) {
      if (src == null && !in.alpha()) {
        Pixels out = FixedPoint.columnsFirst(in, dstW, dstH, wx, wy);
        if (out != null) {
          return out;
        }
      }
      return columnsFirst(in, src, sw, dstW, dstH, wx, wy);
    }
    return rowsFirst(in, src, sw, dstW, dstH, wx, wy);
  }

  private static double avg(Weights w) {
    long n = 0;
    for (int c : w.count) {
      n += c;
    }
    return (double) n / w.count.length;
  }

  /** Rows pass into a buffer of only the source rows the columns pass reads, then columns. */
  private static Pixels rowsFirst(
      Pixels in, float[] src, int sw, int dstW, int dstH, Weights wx, Weights wy) {
    boolean premultiply = in.alpha();
    int rowFirst = wy.start[0];
    int rowLast = wy.start[dstH - 1] + wy.count[dstH - 1] - 1;
    int tstride = dstW * 4;
    float[] tmp = new float[(rowLast - rowFirst + 1) * tstride];
    float[] rowBuf = src == null ? new float[sw * 4] : null;
    for (int y = rowFirst; y <= rowLast; y++) {
      if (src == null) {
        FloatImage.unpackRow(in, y, premultiply, rowBuf, 0);
        horizontal(rowBuf, 0, wx, tmp, (y - rowFirst) * tstride, dstW);
      } else {
        horizontal(src, y * sw * 4, wx, tmp, (y - rowFirst) * tstride, dstW);
      }
    }
    int[] out = new int[dstW * dstH];
    float[] acc = new float[tstride];
    for (int y = 0; y < dstH; y++) {
      java.util.Arrays.fill(acc, 0f);
      int s = wy.start[y] - rowFirst;
      FloatImage.weightedRows(
          wy.weights, y * wy.stride, wy.count[y], tmp, k -> (s + k) * tstride, acc, tstride);
      packRow(acc, out, y * dstW, dstW, in.alpha());
    }
    return new Pixels(dstW, dstH, out, in.alpha());
  }

  /**
   * Per output row: the columns pass over full source rows (unpacked once each into a ring of rows
   * when reading the packed source), then the rows pass on that one row.
   */
  static Pixels columnsFirst(
      Pixels in, float[] src, int sw, int dstW, int dstH, Weights wx, Weights wy) {
    boolean premultiply = in.alpha();
    int sstride = sw * 4;
    int cap = 0;
    for (int c : wy.count) {
      cap = Math.max(cap, c);
    }
    cap += 1;
    float[] ring = src == null ? new float[cap * sstride] : null;
    int loaded = -1;
    float[] acc = new float[sstride];
    float[] row = new float[dstW * 4];
    int[] out = new int[dstW * dstH];
    for (int y = 0; y < dstH; y++) {
      java.util.Arrays.fill(acc, 0f);
      int s = wy.start[y];
      int n = wy.count[y];
      if (src != null) {
        FloatImage.weightedRows(
            wy.weights, y * wy.stride, n, src, k -> (s + k) * sstride, acc, sstride);
      } else {
        while (loaded < s + n - 1) {
          loaded++;
          FloatImage.unpackRow(in, loaded, premultiply, ring, (loaded % cap) * sstride);
        }
        int c = cap;
        FloatImage.weightedRows(
            wy.weights, y * wy.stride, n, ring, k -> ((s + k) % c) * sstride, acc, sstride);
      }
      horizontal(acc, 0, wx, row, 0, dstW);
      packRow(row, out, y * dstW, dstW, in.alpha());
    }
    return new Pixels(dstW, dstH, out, in.alpha());
  }

  private static void packRow(float[] acc, int[] out, int o, int n, boolean alpha) {
    for (int x = 0, p = 0; x < n; x++, p += 4) {
      out[o + x] = FloatImage.packOne(acc[p], acc[p + 1], acc[p + 2], acc[p + 3], alpha, alpha);
    }
  }

  private static void horizontal(float[] row, int off, Weights wx, float[] dst, int d, int dstW) {
    float[] weights = wx.weights;
    for (int x = 0; x < dstW; x++) {
      int p = off + wx.start[x] * 4;
      int wi = x * wx.stride;
      float r = 0;
      float g = 0;
      float b = 0;
      float a = 0;
      for (int k = 0, n = wx.count[x]; k < n; k++, p += 4) {
        float wk = weights[wi + k];
        r += wk * row[p];
        g += wk * row[p + 1];
        b += wk * row[p + 2];
        a += wk * row[p + 3];
      }
      int o = d + x * 4;
      dst[o] = r;
      dst[o + 1] = g;
      dst[o + 2] = b;
      dst[o + 3] = a;
    }
  }

  /** Averages {@code kx x ky} boxes (cut at the right and bottom edges) into 4-channel floats. */
  static float[] boxReduce(Pixels in, int kx, int ky, int sw, int sh, boolean premultiply) {
    int w = in.width();
    int h = in.height();
    int[] px = in.argb();
    float[] out = new float[sw * sh * 4];
    long[] sums = new long[sw * 4];
    for (int oy = 0; oy < sh; oy++) {
      java.util.Arrays.fill(sums, 0);
      int y0 = oy * ky;
      int y1 = Math.min(h, y0 + ky);
      for (int y = y0; y < y1; y++) {
        int base = y * w;
        for (int ox = 0; ox < sw; ox++) {
          int x0 = ox * kx;
          int x1 = Math.min(w, x0 + kx);
          long r = 0;
          long g = 0;
          long b = 0;
          long a = 0;
          for (int x = x0; x < x1; x++) {
            int c = px[base + x];
            int ca = c >>> 24;
            int m = premultiply ? ca : 1;
            r += ((c >>> 16) & 0xFF) * m;
            g += ((c >>> 8) & 0xFF) * m;
            b += (c & 0xFF) * m;
            a += ca;
          }
          int s = ox * 4;
          sums[s] += r;
          sums[s + 1] += g;
          sums[s + 2] += b;
          sums[s + 3] += a;
        }
      }
      int rows = y1 - y0;
      for (int ox = 0; ox < sw; ox++) {
        int cols = Math.min(w, ox * kx + kx) - ox * kx;
        float n = rows * cols;
        float cn = premultiply ? n * 255f : n;
        int s = ox * 4;
        int o = (oy * sw + ox) * 4;
        out[o] = sums[s] / cn;
        out[o + 1] = sums[s + 1] / cn;
        out[o + 2] = sums[s + 2] / cn;
        out[o + 3] = sums[s + 3] / n;
      }
    }
    return out;
  }
}
