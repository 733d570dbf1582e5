package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;
import dev.forkline.workers.kernel.NativeLibrary;

/**
 * The loops of the opaque resize ({@link FixedPoint#columnsFirst}), blur and sharpen ({@link
 * FloatImage#convolveOpaque} with {@link Blur}'s and {@link Sharpen}'s rows) compiled ahead of time
 * ({@code src/main/c/forkline_filters.c}), with the same arithmetic in the same order: the pixels
 * are bit for bit those of the Java code ({@code NativeFiltersTest}).
 *
 * <p>Why: in a fresh JVM, HotSpot's C2 compiler spends seconds of CPU on these loops, a large share
 * of a short run (each loop compiled several times: on-stack replacement, then the whole method),
 * and runs them in slower tiers until then; each worker JVM of the process pool pays it again.
 * Native, they run at full speed from the first image and leave both cores to the work.
 *
 * <p>Each method returns null (or false) when the library is not here ({@code
 * FORKLINE_NATIVE_FILTERS=0}, no gcc when built) or had no memory; the caller then runs the Java
 * code.
 */
final class NativeFilters {
  /** The library, loaded or not; {@code FORKLINE_NATIVE_FILTERS=0} turns it off. */
  static final NativeLibrary LIBRARY =
      NativeLibrary.load("forkline_filters", "FORKLINE_NATIVE_FILTERS");

  private static final int BLUR = 0;
  private static final int SHARPEN = 1;

  private NativeFilters() {}

  /** {@link FixedPoint#columnsFirst}'s resample with its quantized weights {@code cx, cy}. */
  static Pixels resize(
      Pixels in,
      int dstW,
      int dstH,
      Resampler.Weights wx,
      int[] cx,
      Resampler.Weights wy,
      int[] cy) {
    if (!LIBRARY.loaded() || !fits(wy, cy, dstH, in.height()) || !fits(wx, cx, dstW, in.width())) {
      return null;
    }
    int[] out;
    try {
      out = new int[Math.multiplyExact(dstW, dstH)];
    } catch (ArithmeticException e) {
      return null; // more pixels than an array holds: the Java code says so
    }
    int rc =
        resize0(
            in.argb(),
            in.width(),
            in.height(),
            out,
            dstW,
            dstH,
            wy.start,
            wy.count,
            wy.stride,
            cy,
            wx.start,
            wx.count,
            wx.stride,
            cx);
    return rc == 0 ? new Pixels(dstW, dstH, out, false) : null;
  }

  /**
   * Whether the C may trust these arrays: it reads and writes without bounds checks, and a bad
   * index there would crash the JVM (the pipeline's own, with the transform on threads) where Java
   * throws. The Java code the caller then runs fails the element with the exception instead.
   * ({@link Pixels} itself checks that its array holds width x height pixels.)
   */
  private static boolean fits(Resampler.Weights w, int[] fixed, int dst, int src) {
    if (dst <= 0
        || w.start.length < dst
        || w.count.length < dst
        || w.stride <= 0
        || fixed.length < (long) dst * w.stride) {
      return false;
    }
    for (int i = 0; i < dst; i++) {
      int first = w.start[i];
      int n = w.count[i];
      if (first < 0 || n < 1 || n > w.stride || first > src - n) {
        return false;
      }
    }
    return true;
  }

  private static boolean fits(Pixels in, float[] kernel, int[] out) {
    return kernel.length % 2 == 1 && out.length == in.argb().length;
  }

  /** Opaque {@code in} blurred by the separable {@code kernel} into {@code out}. */
  static boolean blur(Pixels in, float[] kernel, int[] out) {
    return LIBRARY.loaded()
        && fits(in, kernel, out)
        && convolve0(in.argb(), in.width(), in.height(), kernel, BLUR, 0f, 0, out) == 0;
  }

  /** Opaque {@code in} sharpened as {@link Sharpen} does, with its blur {@code kernel}. */
  static boolean sharpen(Pixels in, float[] kernel, float amount, int threshold, int[] out) {
    return LIBRARY.loaded()
        && fits(in, kernel, out)
        && convolve0(in.argb(), in.width(), in.height(), kernel, SHARPEN, amount, threshold, out)
            == 0;
  }

  private static native int resize0(
      int[] src,
      int w,
      int h,
      int[] out,
      int dstW,
      int dstH,
      int[] ystart,
      int[] ycount,
      int ystride,
      int[] cy,
      int[] xstart,
      int[] xcount,
      int xstride,
      int[] cx);

  private static native int convolve0(
      int[] src, int w, int h, float[] kernel, int mode, float amount, int threshold, int[] out);
}
