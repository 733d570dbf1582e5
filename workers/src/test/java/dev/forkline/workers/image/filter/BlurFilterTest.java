package dev.forkline.workers.image.filter;

import static dev.forkline.workers.image.filter.Images.assertPixels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.image.Pixels;
import org.junit.jupiter.api.Test;

/** blur and sharpen against straightforward 2-D references. */
class BlurFilterTest {

  /** Direct 2-D Gaussian (radius ceil(3 sigma), clamped edges) of the RGB of an opaque image. */
  static double[][] referenceBlur(Pixels in, double sigma) {
    int r = (int) Math.ceil(3 * sigma);
    double[] g = new double[2 * r + 1];
    double sum = 0;
    for (int i = -r; i <= r; i++) {
      g[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
      sum += g[i + r];
    }
    int w = in.width();
    int h = in.height();
    double[][] out = new double[w * h][3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int dy = -r; dy <= r; dy++) {
          for (int dx = -r; dx <= r; dx++) {
            double wt = g[dy + r] * g[dx + r] / (sum * sum);
            int c =
                in.get(Math.min(w - 1, Math.max(0, x + dx)), Math.min(h - 1, Math.max(0, y + dy)));
            for (int ch = 0; ch < 3; ch++) {
              out[y * w + x][ch] += wt * ((c >>> (16 - 8 * ch)) & 0xFF);
            }
          }
        }
      }
    }
    return out;
  }

  private static Pixels toPixels(int w, int h, double[][] rgb) {
    int[] px = new int[w * h];
    for (int i = 0; i < px.length; i++) {
      px[i] = 0xFF000000;
      for (int ch = 0; ch < 3; ch++) {
        px[i] |= Colors.clamp(rgb[i][ch]) << (16 - 8 * ch);
      }
    }
    return new Pixels(w, h, px, false);
  }

  @Test
  void constantImageStaysConstant() {
    Pixels in = Pixels.filled(9, 7, 0xFFC86432);
    assertPixels(in, new Blur(2.5).apply(in));
  }

  @Test
  void blurMatchesA2dReference() {
    Pixels in =
        Images.of(
            4,
            3,
            0xFF000000,
            0xFFFFFFFF,
            0xFF102030,
            0xFFFF0000,
            0xFF00FF00,
            0xFF0000FF,
            0xFF808080,
            0xFF000000,
            0xFFFFFF00,
            0xFF00FFFF,
            0xFF405060,
            0xFFFFFFFF);
    assertPixels(toPixels(4, 3, referenceBlur(in, 1.2)), new Blur(1.2).apply(in), 1);
  }

  @Test
  void blurOfAnImageTallerThanItsKernelMatchesA2dReference() {
    // 40 rows against a 9-row kernel: the column pass works from a ring of rows that wraps.
    Pixels in = Images.smooth(6, 40);
    in.argb()[3 * 6 + 2] = 0xFFFFFFFF;
    in.argb()[25 * 6 + 4] = 0xFF000000;
    in.argb()[39 * 6 + 5] = 0xFFFF0000;
    assertPixels(toPixels(6, 40, referenceBlur(in, 1.2)), new Blur(1.2).apply(in), 1);
  }

  @Test
  void blurredImpulseIsSymmetric() {
    Pixels in = Images.gray(7, 7, new int[49]);
    in.argb()[24] = 0xFFFFFFFF;
    Pixels out = new Blur(1).apply(in);
    assertEquals(out.get(2, 3), out.get(4, 3));
    assertEquals(out.get(3, 2), out.get(3, 4));
    assertTrue((out.get(3, 3) & 0xFF) > (out.get(2, 3) & 0xFF));
  }

  @Test
  void transparentNeighboursDoNotBleedColour() {
    Pixels in = Images.of(2, 1, 0xFF0000FF, 0x00FF0000);
    Pixels out = new Blur(1).apply(in);
    assertEquals(0, (out.get(0, 0) >>> 16) & 0xFF);
    assertEquals(0, (out.get(1, 0) >>> 16) & 0xFF);
    assertTrue((out.get(1, 0) >>> 24) > 0);
  }

  @Test
  void sharpenOfAConstantImageIsUnchanged() {
    Pixels in = Pixels.filled(6, 5, 0xFF7F3F1F);
    assertPixels(in, new Sharpen(1, 2, 0).apply(in));
  }

  @Test
  void sharpenMatchesAnUnsharpMaskReference() {
    Pixels in = Images.smooth(8, 6);
    in.argb()[20] = 0xFF000000;
    double[][] blurred = referenceBlur(in, 1.0);
    int[] px = new int[in.argb().length];
    for (int i = 0; i < px.length; i++) {
      px[i] = 0xFF000000;
      for (int ch = 0; ch < 3; ch++) {
        int v = (in.argb()[i] >>> (16 - 8 * ch)) & 0xFF;
        px[i] |= Colors.clamp(v + 1.5 * (v - blurred[i][ch])) << (16 - 8 * ch);
      }
    }
    assertPixels(new Pixels(8, 6, px, false), new Sharpen(1.0, 1.5, 0).apply(in), 1);
  }

  @Test
  void sharpenThresholdLeavesSmallDifferencesAlone() {
    // A step of 4 grey levels: every |v - blurred| is below 5, so nothing changes.
    Pixels in = Images.gray(4, 1, 100, 100, 104, 104);
    assertPixels(in, new Sharpen(1, 1, 5).apply(in));
    assertTrue(Images.maxDiff(in, new Sharpen(1, 1, 0).apply(in)) > 0);
  }
}
