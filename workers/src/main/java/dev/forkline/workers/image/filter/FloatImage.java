package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;

/**
 * Float working copies of images for the filters that sum weighted pixels (resize, blur, sharpen):
 * 4 floats per pixel, in the order R, G, B, A, with colour premultiplied by alpha when the image
 * has alpha (so transparent pixels do not bleed their hidden colour), and separable convolution
 * with edge clamp.
 */
final class FloatImage {
  private FloatImage() {}

  /** Row {@code y} of {@code p} into {@code out[off..off + 4 * width)}. */
  static void unpackRow(Pixels p, int y, boolean premultiply, float[] out, int off) {
    int[] src = p.argb();
    int w = p.width();
    int base = y * w;
    for (int x = 0, o = off; x < w; x++, o += 4) {
      int c = src[base + x];
      int a = c >>> 24;
      float r = (c >>> 16) & 0xFF;
      float g = (c >>> 8) & 0xFF;
      float b = c & 0xFF;
      if (premultiply && a != 0xFF) {
        float f = a / 255f;
        r *= f;
        g *= f;
        b *= f;
      }
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      out[o + 3] = a;
    }
  }

  static float[] unpack(Pixels p, boolean premultiply) {
    float[] out = new float[p.width() * p.height() * 4];
    for (int y = 0; y < p.height(); y++) {
      unpackRow(p, y, premultiply, out, y * p.width() * 4);
    }
    return out;
  }

  /**
   * Packs floats back into pixels: clamped to 0..255 and rounded half up; divided by alpha first
   * when {@code premultiplied}; alpha forced to 255 when {@code !alpha}.
   */
  static Pixels pack(int w, int h, float[] data, boolean alpha, boolean premultiplied) {
    int n = w * h;
    int[] out = new int[n];
    for (int i = 0, o = 0; i < n; i++, o += 4) {
      out[i] = packOne(data[o], data[o + 1], data[o + 2], data[o + 3], alpha, premultiplied);
    }
    return new Pixels(w, h, out, alpha);
  }

  static int packOne(float r, float g, float b, float a, boolean alpha, boolean premultiplied) {
    if (!alpha) {
      return Colors.argb(0xFF, Colors.clamp(r), Colors.clamp(g), Colors.clamp(b));
    }
    int ai = Colors.clamp(a);
    if (ai == 0) {
      return 0;
    }
    if (premultiplied && ai != 0xFF) {
      float f = 255f / Math.min(a, 255f);
      r *= f;
      g *= f;
      b *= f;
    }
    return Colors.argb(ai, Colors.clamp(r), Colors.clamp(g), Colors.clamp(b));
  }

  /** A normalized Gaussian of standard deviation {@code sigma}, radius {@code ceil(3 sigma)}. */
  static float[] gaussian(double sigma) {
    int radius = (int) Math.ceil(3 * sigma);
    double[] k = new double[2 * radius + 1];
    double sum = 0;
    for (int i = -radius; i <= radius; i++) {
      k[i + radius] = Math.exp(-(i * (double) i) / (2 * sigma * sigma));
      sum += k[i + radius];
    }
    float[] out = new float[k.length];
    for (int i = 0; i < k.length; i++) {
      out[i] = (float) (k[i] / sum);
    }
    return out;
  }

  /** Receives one output row of a convolution; {@code row} is reused for the next row. */
  interface RowSink {
    void row(int y, float[] row);
  }

  /**
   * Convolves {@code in} (unpacked to 4 floats per pixel, premultiplied if {@code premultiply})
   * with {@code kx} along rows then {@code ky} along columns (odd lengths, centred), reading past
   * the edges as the edge pixel, and hands each output row to {@code sink} in order.
   *
   * <p>Neither a float copy of the image nor its output is ever whole: rows are unpacked and
   * filtered along x one at a time into a ring of the {@code ky.length} rows the column pass needs,
   * so the floats take {@code min(height, ky.length)} rows, not three images (for a 24-megapixel
   * photo, 1.1 GB).
   */
  static void convolve(Pixels in, boolean premultiply, float[] kx, float[] ky, RowSink sink) {
    int w = in.width();
    int h = in.height();
    int stride = w * 4;
    int ry = ky.length / 2;
    int cap = Math.min(h, ky.length);
    float[] ring = new float[Math.multiplyExact(stride, cap)];
    int rx = kx.length / 2;
    float[] padded = new float[(w + 2 * rx) * 4];
    float[] out = new float[stride];
    int loaded = 0;
    for (int y = 0; y < h; y++) {
      int last = Math.min(h - 1, y + ry);
      for (; loaded <= last; loaded++) {
        rowPass(in, loaded, premultiply, kx, padded, ring, (loaded % cap) * stride);
      }
      java.util.Arrays.fill(out, 0f);
      for (int k = 0; k < ky.length; k++) {
        int sy = Math.min(h - 1, Math.max(0, y + k - ry));
        axpy(ky[k], ring, (sy % cap) * stride, out, 0, stride);
      }
      sink.row(y, out);
    }
  }

  /** Receives one output row of {@link #convolveOpaque}, one array a channel, reused after. */
  interface PlaneSink {
    void row(int y, float[] r, float[] g, float[] b);
  }

  /**
   * As {@link #convolve} for an opaque image, on 3 channels, each row in its own array. The sums
   * are taken in the same order as {@link #convolve}'s, so the values are the same, with a quarter
   * less work and both passes vectorized: HotSpot 17 vectorizes {@code dst[i] += a * src[i]} only
   * when every index has the same offset, so each tap of the row pass reads a shifted copy of the
   * padded row and each row of the ring is an array of its own.
   */
  static void convolveOpaque(Pixels in, float[] kx, float[] ky, PlaneSink sink) {
    int w = in.width();
    int h = in.height();
    int ry = ky.length / 2;
    int cap = Math.min(h, ky.length);
    float[][][] ring = new float[cap][3][w];
    int rx = kx.length / 2;
    int pw = w + 2 * rx;
    int[] packed = new int[w];
    float[][] padded = new float[3][pw];
    float[] shifted = new float[w];
    float[][] out = new float[3][w];
    int loaded = 0;
    for (int y = 0; y < h; y++) {
      int last = Math.min(h - 1, y + ry);
      for (; loaded <= last; loaded++) {
        System.arraycopy(in.argb(), loaded * w, packed, 0, w);
        for (int x = 0; x < w; x++) {
          int c = packed[x];
          padded[0][rx + x] = (c >>> 16) & 0xFF;
          padded[1][rx + x] = (c >>> 8) & 0xFF;
          padded[2][rx + x] = c & 0xFF;
        }
        for (int c = 0; c < 3; c++) {
          float[] p = padded[c];
          java.util.Arrays.fill(p, 0, rx, p[rx]);
          java.util.Arrays.fill(p, rx + w, pw, p[rx + w - 1]);
          float[] d = ring[loaded % cap][c];
          java.util.Arrays.fill(d, 0f);
          for (int k = 0; k < kx.length; k++) {
            System.arraycopy(p, k, shifted, 0, w);
            axpy(kx[k], shifted, d, w);
          }
        }
      }
      for (int c = 0; c < 3; c++) {
        float[] o = out[c];
        java.util.Arrays.fill(o, 0f);
        for (int k = 0; k < ky.length; k++) {
          int sy = Math.min(h - 1, Math.max(0, y + k - ry));
          axpy(ky[k], ring[sy % cap][c], o, w);
        }
      }
      sink.row(y, out[0], out[1], out[2]);
    }
  }

  /** {@code dst[0..n) += a * src[0..n)}: offsets of 0, so HotSpot vectorizes it. */
  private static void axpy(float a, float[] src, float[] dst, int n) {
    for (int i = 0; i < n; i++) {
      dst[i] += a * src[i];
    }
  }

  /** Row {@code y} of {@code in} filtered along x with {@code kx} into {@code dst[off..]}. */
  private static void rowPass(
      Pixels in, int y, boolean premultiply, float[] kx, float[] padded, float[] dst, int off) {
    int w = in.width();
    int rx = kx.length / 2;
    unpackRow(in, y, premultiply, padded, rx * 4);
    for (int i = 0; i < rx; i++) {
      System.arraycopy(padded, rx * 4, padded, i * 4, 4);
      System.arraycopy(padded, (rx + w - 1) * 4, padded, (rx + w + i) * 4, 4);
    }
    for (int x = 0; x < w; x++) {
      float r = 0;
      float g = 0;
      float b = 0;
      float a = 0;
      for (int k = 0, p = x * 4; k < kx.length; k++, p += 4) {
        float wk = kx[k];
        r += wk * padded[p];
        g += wk * padded[p + 1];
        b += wk * padded[p + 2];
        a += wk * padded[p + 3];
      }
      int o = off + x * 4;
      dst[o] = r;
      dst[o + 1] = g;
      dst[o + 2] = b;
      dst[o + 3] = a;
    }
  }

  /**
   * {@code dst[0..n) += sum of w[wi + k] * src[(rows[k]) * n ..]} over {@code k < count}: the
   * weighted sum of {@code count} rows of length {@code n} ({@code rowOf} maps k to the row's
   * offset in {@code src}), four rows per sweep over {@code dst} to cut memory traffic.
   */
  static void weightedRows(
      float[] w,
      int wi,
      int count,
      float[] src,
      java.util.function.IntUnaryOperator rowOf,
      float[] dst,
      int n) {
    int k = 0;
    for (; k + 4 <= count; k += 4) {
      axpy4(
          w[wi + k],
          w[wi + k + 1],
          w[wi + k + 2],
          w[wi + k + 3],
          src,
          rowOf.applyAsInt(k),
          rowOf.applyAsInt(k + 1),
          rowOf.applyAsInt(k + 2),
          rowOf.applyAsInt(k + 3),
          dst,
          n);
    }
    for (; k < count; k++) {
      axpy(w[wi + k], src, rowOf.applyAsInt(k), dst, 0, n);
    }
  }

  private static void axpy4(
      float w0,
      float w1,
      float w2,
      float w3,
      float[] s,
      int o0,
      int o1,
      int o2,
      int o3,
      float[] d,
      int n) {
    for (int i = 0; i < n; i++) {
      d[i] += w0 * s[o0 + i] + w1 * s[o1 + i] + w2 * s[o2 + i] + w3 * s[o3 + i];
    }
  }

  /** {@code dst[d..d+n) += a * src[s..s+n)}. */
  static void axpy(float a, float[] src, int s, float[] dst, int d, int n) {
    for (int i = 0; i < n; i++) {
      dst[d + i] += a * src[s + i];
    }
  }
}
