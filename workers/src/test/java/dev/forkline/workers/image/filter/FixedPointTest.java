package dev.forkline.workers.image.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.image.Pixels;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fixed-point opaque resample against the float one it replaces: within 1 per channel. */
class FixedPointTest {

  private static Pixels noise(int w, int h, long seed) {
    Random rnd = new Random(seed);
    int[] px = new int[w * h];
    for (int i = 0; i < px.length; i++) {
      // Hard edges and noise: the most ringing (overshoot past 0 and 255) Lanczos can make.
      px[i] = 0xFF000000 | (rnd.nextBoolean() ? rnd.nextInt(1 << 24) : (i % 7 < 3 ? 0xFFFFFF : 0));
    }
    return new Pixels(w, h, px, false);
  }

  @Test
  void matchesTheFloatColumnsFirstPathWithinOne() {
    int[][] sizes = {{97, 61, 40, 25}, {300, 200, 123, 82}, {64, 64, 63, 9}, {50, 30, 1, 1}};
    for (Resampler.Kernel kernel : Resampler.Kernel.values()) {
      for (int[] s : sizes) {
        Pixels in = noise(s[0], s[1], s[0] * 31L + kernel.ordinal());
        Resampler.Weights wx = Resampler.weights(kernel, s[0], s[2], (double) s[0] / s[2]);
        Resampler.Weights wy = Resampler.weights(kernel, s[1], s[3], (double) s[1] / s[3]);
        Pixels exact = Resampler.columnsFirst(in, null, s[0], s[2], s[3], wx, wy);
        Pixels fixed = FixedPoint.columnsFirst(in, s[2], s[3], wx, wy);
        assertNotNull(fixed, kernel + " weights fit the fixed-point limits");
        int diff = Images.maxDiff(exact, fixed);
        assertTrue(diff <= 1, kernel + " " + java.util.Arrays.toString(s) + ": max diff " + diff);
      }
    }
  }

  @Test
  void quantizedWeightsSumExactlyToOne() {
    Resampler.Weights w = Resampler.weights(Resampler.Kernel.LANCZOS3, 1920, 800, 2.4);
    int[] q = FixedPoint.quantize(w);
    for (int i = 0; i < 800; i++) {
      int sum = 0;
      for (int k = 0; k < w.count[i]; k++) {
        sum += q[i * w.stride + k];
      }
      assertEquals(1 << FixedPoint.BITS, sum, "output " + i);
    }
  }

  @Test
  void theResizeFilterTakesTheFixedPointPathForAnOpaqueShrink() {
    Pixels in = noise(192, 108, 5);
    Resampler.Weights wx = Resampler.weights(Resampler.Kernel.LANCZOS3, 192, 80, 2.4);
    Resampler.Weights wy = Resampler.weights(Resampler.Kernel.LANCZOS3, 108, 45, 2.4);
    Images.assertPixels(
        FixedPoint.columnsFirst(in, 80, 45, wx, wy),
        Filters.parse("resize width=80 method=lanczos3").apply(in));
  }
}
