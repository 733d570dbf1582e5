package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;

/**
 * The opaque columns-first resample of {@link Resampler} in fixed-point integers, as Pillow does: 3
 * channels (no alpha, nothing to premultiply), the weights rounded to {@link #BITS}-bit integers
 * that sum exactly to {@code 1 << BITS} (so flat areas stay exact), each source row split once into
 * an R, a G and a B row of ints.
 *
 * <p>Why ints and separate row arrays: HotSpot 17 vectorizes {@code acc[i] += w * row[i]} only when
 * every array index in the loop has the same offset (here 0), and does not vectorize int-to-float
 * conversion; the float path's weighted sums over rows at offsets into one ring ran scalar. Here
 * the vertical pass (most of the work when shrinking) runs on whole rows, 4 taps a sweep, in SIMD.
 *
 * <p>Precision: the vertical sums keep {@link #FRACTION} fractional bits for the horizontal pass,
 * which rounds half up once at the end. The result differs from the float path by at most 1 per
 * channel (weight rounding: at most {@code 2^-(BITS+1)} a tap); {@code FixedPointTest} checks it.
 */
final class FixedPoint {
  /** Weight precision: 1.0 is {@code 1 << BITS}. */
  static final int BITS = 15;

  /** Fractional bits of the vertical pass's output, the horizontal pass's input. */
  static final int FRACTION = 6;

  /**
   * The largest sum of absolute weights for which no int can overflow: an intermediate value is at
   * most {@code 255 * LIMIT * 2^FRACTION}, a horizontal sum that times {@code LIMIT * 2^BITS}.
   */
  private static final double LIMIT = 1.75;

  private FixedPoint() {}

  /** Weights as integers summing to {@code 1 << BITS} per output index, or null past LIMIT. */
  static int[] quantize(Resampler.Weights w) {
    int n = w.start.length;
    int[] out = new int[n * w.stride];
    for (int i = 0; i < n; i++) {
      int base = i * w.stride;
      int sum = 0;
      int largest = base;
      double abs = 0;
      for (int k = 0; k < w.count[i]; k++) {
        float f = w.weights[base + k];
        abs += Math.abs(f);
        out[base + k] = Math.round(f * (1 << BITS));
        sum += out[base + k];
        if (Math.abs(f) > Math.abs(w.weights[largest])) {
          largest = base + k;
        }
      }
      if (abs > LIMIT) {
        return null;
      }
      out[largest] += (1 << BITS) - sum;
    }
    return out;
  }

  /**
   * {@code in} (opaque) resampled columns first; null if the weights are outside what the
   * fixed-point sums hold (then the float path runs).
   */
  static Pixels columnsFirst(
      Pixels in, int dstW, int dstH, Resampler.Weights wx, Resampler.Weights wy) {
    int[] cx = wx.fixedPoint();
    int[] cy = wy.fixedPoint();
    if (cx == null || cy == null) {
      return null;
    }
    Pixels fast = NativeFilters.resize(in, dstW, dstH, wx, cx, wy, cy);
    return fast != null ? fast : java(in, dstW, dstH, wx, cx, wy, cy);
  }

  /** {@link #columnsFirst} in Java, with its quantized weights. */
  static Pixels java(
      Pixels in,
      int dstW,
      int dstH,
      Resampler.Weights wx,
      int[] cx,
      Resampler.Weights wy,
      int[] cy) {
    int w = in.width();
    int[] src = in.argb();
    int cap = 0;
    for (int c : wy.count) {
      cap = Math.max(cap, c);
    }
    cap += 1;
    // ring[row % cap][channel]: the source rows the current output row needs, one array each.
    int[][][] ring = new int[cap][3][w];
    int[] packed = new int[w];
    int[][] acc = new int[3][w];
    int[][] rows = new int[4][];
    int loaded = -1;
    int[] out = new int[dstW * dstH];
    int half = 1 << (BITS - FRACTION - 1);
    for (int y = 0; y < dstH; y++) {
      int s = wy.start[y];
      int n = wy.count[y];
      while (loaded < s + n - 1) {
        loaded++;
        int[][] r = ring[loaded % cap];
        System.arraycopy(src, loaded * w, packed, 0, w);
        split(packed, r[0], r[1], r[2], w);
      }
      int wi = y * wy.stride;
      for (int c = 0; c < 3; c++) {
        int[] a = acc[c];
        java.util.Arrays.fill(a, half);
        int k = 0;
        for (; k + 4 <= n; k += 4) {
          for (int j = 0; j < 4; j++) {
            rows[j] = ring[(s + k + j) % cap][c];
          }
          sum4(cy[wi + k], cy[wi + k + 1], cy[wi + k + 2], cy[wi + k + 3], rows, a, w);
        }
        for (; k < n; k++) {
          sum1(cy[wi + k], ring[(s + k) % cap][c], a, w);
        }
        shift(a, w);
      }
      horizontal(acc[0], acc[1], acc[2], wx, cx, out, y * dstW, dstW);
    }
    return new Pixels(dstW, dstH, out, false);
  }

  private static void split(int[] p, int[] r, int[] g, int[] b, int n) {
    for (int x = 0; x < n; x++) {
      int c = p[x];
      r[x] = (c >>> 16) & 0xFF;
      g[x] = (c >>> 8) & 0xFF;
      b[x] = c & 0xFF;
    }
  }

  private static void sum4(int w0, int w1, int w2, int w3, int[][] rows, int[] d, int n) {
    int[] s0 = rows[0];
    int[] s1 = rows[1];
    int[] s2 = rows[2];
    int[] s3 = rows[3];
    for (int i = 0; i < n; i++) {
      d[i] += w0 * s0[i] + w1 * s1[i] + w2 * s2[i] + w3 * s3[i];
    }
  }

  private static void sum1(int w0, int[] s0, int[] d, int n) {
    for (int i = 0; i < n; i++) {
      d[i] += w0 * s0[i];
    }
  }

  /** From {@code BITS} to {@code FRACTION} fractional bits (the rounding half was added first). */
  private static void shift(int[] a, int n) {
    for (int i = 0; i < n; i++) {
      a[i] >>= BITS - FRACTION;
    }
  }

  private static void horizontal(
      int[] r, int[] g, int[] b, Resampler.Weights wx, int[] cx, int[] out, int o, int dstW) {
    int shift = BITS + FRACTION;
    int half = 1 << (shift - 1);
    for (int x = 0; x < dstW; x++) {
      int s = wx.start[x];
      int wi = x * wx.stride;
      int sr = half;
      int sg = half;
      int sb = half;
      for (int k = 0, n = wx.count[x]; k < n; k++) {
        int c = cx[wi + k];
        sr += c * r[s + k];
        sg += c * g[s + k];
        sb += c * b[s + k];
      }
      out[o + x] =
          0xFF000000 | clamp(sr >> shift) << 16 | clamp(sg >> shift) << 8 | clamp(sb >> shift);
    }
  }

  private static int clamp(int v) {
    return v < 0 ? 0 : Math.min(v, 255);
  }
}
