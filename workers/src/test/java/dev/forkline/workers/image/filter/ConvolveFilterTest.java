package dev.forkline.workers.image.filter;

import static dev.forkline.workers.image.filter.Images.assertPixels;
import static dev.forkline.workers.image.filter.Images.gray;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.forkline.workers.image.Pixels;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvolveFilterTest {
  private static final Pixels RAMP = gray(3, 3, 10, 20, 30, 40, 50, 60, 70, 80, 90);

  private static Filter convolve(String kernel) {
    return Filters.parse("convolve", Map.of("kernel", kernel));
  }

  @Test
  void identityKernelChangesNothing() {
    assertPixels(RAMP, convolve("0 0 0; 0 1 0; 0 0 0").apply(RAMP));
  }

  @Test
  void sharpenKernelWithClampedEdges() {
    // By hand, e.g. (0,0): 5*10 - 10(up, clamped) - 10(left, clamped) - 20 - 40 = -30 -> 0.
    Pixels expected = gray(3, 3, 0, 0, 10, 30, 50, 70, 90, 110, 130);
    assertPixels(expected, convolve("0 -1 0; -1 5 -1; 0 -1 0").apply(RAMP));
  }

  @Test
  void divisorDefaultsToTheKernelSum() {
    // Box 3x3 / 9 at the centre of the ramp: 50; corner (0,0): (4*10 + 2*20 + 2*40 + 50) / 9 =
    // 23.3.
    Pixels out = convolve("1 1 1; 1 1 1; 1 1 1").apply(RAMP);
    assertPixels(gray(1, 1, 50), new Pixels(1, 1, new int[] {out.get(1, 1)}, false));
    assertPixels(gray(1, 1, 23), new Pixels(1, 1, new int[] {out.get(0, 0)}, false));
  }

  @Test
  void zeroSumKernelDividesByOneAndAddsOffset() {
    // Horizontal gradient (right - left) + 128: centre row (60 - 40) + 128 = 148.
    Filter f = Filters.parse("convolve", Map.of("kernel", "0 0 0; -1 0 1; 0 0 0", "offset", "128"));
    assertPixels(gray(3, 3, 138, 148, 138, 138, 148, 138, 138, 148, 138), f.apply(RAMP));
  }

  @Test
  void explicitDivisorIsUsed() {
    Filter f = Filters.parse("convolve", Map.of("kernel", "2", "divisor", "4"));
    assertPixels(gray(3, 1, 5, 10, 128), f.apply(gray(3, 1, 10, 20, 255)));
  }

  @Test
  void alphaIsKept() {
    Pixels in = Images.of(1, 1, 0x40102030);
    assertPixels(in, convolve("0 0 0; 0 1 0; 0 0 0").apply(in));
  }

  @Test
  void rankOneKernelsAreFactored() {
    assertNotNull(Convolve.rankOne(new double[] {1, 2, 1, 2, 4, 2, 1, 2, 1}, 3));
    assertNull(Convolve.rankOne(new double[] {0, -1, 0, -1, 5, -1, 0, -1, 0}, 3));
  }

  @Test
  void separable5x5MatchesADirect2dReference() {
    double[] col = {1, 4, 6, 4, 1};
    double[] row = {1, 2, 3, 2, 1};
    double[] k = new double[25];
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        k[i * 5 + j] = col[i] * row[j];
        text.append(k[i * 5 + j]).append(j < 4 ? " " : i < 4 ? ";" : "");
      }
    }
    Pixels in = Images.smooth(9, 7);
    assertPixels(reference(in, k, 5), convolve(text.toString()).apply(in), 0);
  }

  /** Straightforward 2-D correlation with edge clamp, divided by the kernel sum. */
  private static Pixels reference(Pixels in, double[] k, int n) {
    double sum = 0;
    for (double v : k) {
      sum += v;
    }
    int w = in.width();
    int h = in.height();
    int[] out = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int c = 0xFF000000;
        for (int shift = 0; shift <= 16; shift += 8) {
          double acc = 0;
          for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
              int sx = Math.min(w - 1, Math.max(0, x + j - n / 2));
              int sy = Math.min(h - 1, Math.max(0, y + i - n / 2));
              acc += k[i * n + j] * ((in.get(sx, sy) >>> shift) & 0xFF);
            }
          }
          c |= (int) Math.min(255, Math.max(0, Math.floor(acc / sum + 0.5))) << shift;
        }
        out[y * w + x] = c;
      }
    }
    return new Pixels(w, h, out, false);
  }
}
