package dev.forkline.workers.image.filter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.image.Pixels;
import dev.forkline.workers.kernel.NativeLibraries;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The native resize, blur and sharpen loops give the Java loops' pixels, bit for bit. */
class NativeFiltersTest {

  @BeforeAll
  static void libraryIsLoaded() {
    NativeLibraries.requireLoaded(NativeFilters.LIBRARY);
  }

  /** Hard edges, noise and flat runs: ringing past 0 and 255, and the threshold's both sides. */
  private static Pixels photo(int w, int h, long seed) {
    Random rnd = new Random(seed);
    int[] px = new int[w * h];
    for (int i = 0; i < px.length; i++) {
      int x = i % w;
      int y = i / w;
      int c;
      switch (rnd.nextInt(4)) {
        case 0 -> c = rnd.nextInt(1 << 24);
        case 1 -> c = (x * 255 / Math.max(1, w - 1)) * 0x010101;
        case 2 -> c = ((x / 3 + y / 5) % 2 == 0) ? 0xFFFFFF : 0;
        default -> c = ((x + rnd.nextInt(3)) & 0xFF) << 16 | ((y * 7) & 0xFF) << 8 | 0x80;
      }
      px[i] = 0xFF000000 | c;
    }
    return new Pixels(w, h, px, false);
  }

  private static final int[][] SIZES = {
    {1920, 1080}, {333, 201}, {97, 61}, {64, 1}, {1, 64}, {1, 1}, {5, 3}, {17, 900}
  };

  @Test
  void resizeMatchesTheJavaLoopsBitForBit() {
    int[][] targets = {{800, 450}, {123, 82}, {40, 25}, {1, 1}, {3, 200}, {700, 7}};
    int checked = 0;
    for (Resampler.Kernel kernel : Resampler.Kernel.values()) {
      for (int i = 0; i < SIZES.length; i++) {
        int[] s = SIZES[i];
        int[] t = targets[(i + kernel.ordinal()) % targets.length];
        int dw = Math.max(1, Math.min(t[0], s[0] * 2));
        int dh = Math.max(1, Math.min(t[1], s[1] * 2));
        Pixels in = photo(s[0], s[1], s[0] * 31L + s[1] + kernel.ordinal());
        Resampler.Weights wx = Resampler.weights(kernel, s[0], dw, (double) s[0] / dw);
        Resampler.Weights wy = Resampler.weights(kernel, s[1], dh, (double) s[1] / dh);
        int[] cx = FixedPoint.quantize(wx);
        int[] cy = FixedPoint.quantize(wy);
        if (cx == null || cy == null) {
          continue; // the float path's case, native or not
        }
        Pixels java = FixedPoint.java(in, dw, dh, wx, cx, wy, cy);
        Pixels fast = NativeFilters.resize(in, dw, dh, wx, cx, wy, cy);
        assertNotNull(fast);
        assertArrayEquals(
            java.argb(),
            fast.argb(),
            kernel + " " + Arrays.toString(s) + " -> " + dw + "x" + dh + ": not the same pixels");
        checked++;
      }
    }
    assertTrue(checked >= 20, "only " + checked + " resizes compared");
  }

  @Test
  void blurMatchesTheJavaLoopsBitForBit() {
    for (double sigma : new double[] {0.3, 0.8, 2.5, 12}) {
      Blur blur = new Blur(sigma);
      for (int[] s : SIZES) {
        Pixels in = photo(s[0], s[1], (long) (s[0] * 7 + s[1] + sigma * 100));
        assertArrayEquals(
            blur.apply(in, false).argb(),
            blur.apply(in, true).argb(),
            "blur sigma=" + sigma + " " + Arrays.toString(s));
      }
    }
  }

  @Test
  void sharpenMatchesTheJavaLoopsBitForBit() {
    double[][] params = {{0.8, 0.6, 0}, {1.0, 1.0, 0}, {2.0, 3.5, 10}, {0.5, 10, 255}, {6, 0, 0}};
    for (double[] p : params) {
      Sharpen sharpen = new Sharpen(p[0], p[1], (int) p[2]);
      for (int[] s : SIZES) {
        Pixels in = photo(s[0], s[1], (long) (s[0] * 13 + s[1] + p[0] * 10 + p[2]));
        Pixels java = sharpen.apply(in, false);
        Pixels fast = sharpen.apply(in, true);
        assertArrayEquals(java.argb(), fast.argb(), sharpen + " " + Arrays.toString(s));
      }
    }
  }

  @Test
  void sharpenChangesThePixels() {
    // The comparison above would pass for two copies of the input: the filter must do something.
    Pixels in = photo(97, 61, 5);
    Pixels out = new Sharpen(1.0, 1.0, 0).apply(in, true);
    assertTrue(!Arrays.equals(in.argb(), out.argb()), "sharpen left the pixels as they were");
  }

  @Test
  void weightsThatReachPastTheImageNeverReachTheNativeLoops() {
    // The C reads without bounds checks: a bad index must stop in Java, not crash the JVM.
    Pixels in = photo(40, 30, 3);
    Resampler.Weights wx = Resampler.weights(Resampler.Kernel.LANCZOS3, 40, 20, 2.0);
    Resampler.Weights wy = Resampler.weights(Resampler.Kernel.LANCZOS3, 30, 15, 2.0);
    int[] cx = FixedPoint.quantize(wx);
    int[] cy = FixedPoint.quantize(wy);
    assertNotNull(NativeFilters.resize(in, 20, 15, wx, cx, wy, cy), "the good weights run");
    Resampler.Weights past =
        new Resampler.Weights(wx.start.clone(), wx.count, wx.weights, wx.stride);
    past.start[19] = 38; // 38 + count > 40
    assertEquals(null, NativeFilters.resize(in, 20, 15, past, cx, wy, cy));
    past.start[19] = Integer.MAX_VALUE; // start + count wraps around to a negative int
    assertEquals(null, NativeFilters.resize(in, 20, 15, past, cx, wy, cy));
    int[] shortFixed = java.util.Arrays.copyOf(cy, cy.length - 1);
    assertEquals(null, NativeFilters.resize(in, 20, 15, wx, cx, wy, shortFixed));
    assertTrue(
        !NativeFilters.sharpen(in, new float[] {0.25f, 0.5f, 0.25f}, 1f, 0, new int[40 * 29]));
    assertTrue(!NativeFilters.blur(in, new float[] {0.5f, 0.5f}, new int[40 * 30]));
  }
}
