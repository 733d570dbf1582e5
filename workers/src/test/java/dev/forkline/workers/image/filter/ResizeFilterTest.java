package dev.forkline.workers.image.filter;

import static dev.forkline.workers.image.filter.Images.assertPixels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.image.Pixels;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class ResizeFilterTest {

  private static Pixels resize(String line, Pixels in) {
    return Filters.parse(line).apply(in);
  }

  private static void assertSize(int w, int h, Pixels p) {
    assertEquals(w + "x" + h, p.width() + "x" + p.height());
  }

  @Test
  void constantImageStaysConstantForEveryMethod() {
    Pixels in = Pixels.filled(37, 23, 0xFF336699);
    for (String m : new String[] {"lanczos3", "bicubic", "bilinear"}) {
      assertPixels(
          Pixels.filled(11, 7, 0xFF336699),
          resize("resize width=11 height=7 fit=fill method=" + m, in));
      assertPixels(
          Pixels.filled(80, 50, 0xFF336699),
          resize("resize width=80 height=50 fit=fill method=" + m, in));
    }
  }

  @Test
  void constantTranslucentImageStaysConstant() {
    Pixels in = Pixels.filled(30, 20, 0x80336699);
    assertPixels(Pixels.filled(7, 5, 0x80336699), resize("resize width=7 height=5 fit=fill", in));
  }

  @Test
  void aResultTooLargeForOneImageIsARefusalNotAnOverflow() {
    // scale is a factor: 90 asks for 90x, both sides capped at the maximum size, whose product
    // overflowed int (NegativeArraySizeException) before the check
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> resize("resize scale=90 method=bilinear", Pixels.filled(2500, 2500, -1)));
    assertTrue(e.getMessage().contains("more than one image can hold"), e.getMessage());
  }

  @Test
  void containFitsInsideTheBox() {
    assertSize(40, 20, resize("resize width=40 height=40", Pixels.filled(100, 50, -1)));
  }

  @Test
  void coverFillsTheBoxAndCrops() {
    assertSize(40, 40, resize("resize width=40 height=40 fit=cover", Pixels.filled(100, 50, -1)));
  }

  @Test
  void coverCropsTheCentre() {
    // 4x2 into 2x2: the covering scale is 1, so the centre two columns are kept unchanged.
    Pixels in =
        Images.of(
            4,
            2,
            0xFF000001,
            0xFF000002,
            0xFF000003,
            0xFF000004,
            0xFF000005,
            0xFF000006,
            0xFF000007,
            0xFF000008);
    assertPixels(
        Images.of(2, 2, 0xFF000002, 0xFF000003, 0xFF000006, 0xFF000007),
        resize("resize width=2 height=2 fit=cover", in));
  }

  @Test
  void fillStretches() {
    assertSize(40, 40, resize("resize width=40 height=40 fit=fill", Pixels.filled(100, 50, -1)));
  }

  @Test
  void scaleMultipliesBothSides() {
    assertSize(50, 25, resize("resize scale=0.5", Pixels.filled(100, 50, -1)));
  }

  @Test
  void oneSideKeepsTheAspectRatio() {
    assertSize(30, 15, resize("resize width=30", Pixels.filled(100, 50, -1)));
    assertSize(20, 10, resize("resize height=10", Pixels.filled(100, 50, -1)));
    assertSize(1, 1, resize("resize width=1", Pixels.filled(100, 3, -1)));
  }

  @Test
  void neverEnlargeKeepsSmallImages() {
    Pixels in = Images.smooth(10, 5);
    assertPixels(in, resize("resize width=200 never-enlarge=true", in));
    assertSize(200, 100, resize("resize width=200", in));
  }

  @Test
  void sameSizeIsUnchanged() {
    Pixels in = Images.smooth(9, 6);
    assertPixels(in, resize("resize width=9 height=6 fit=fill", in));
  }

  @Test
  void lanczosShrinkMatchesANaiveReference() {
    Pixels in = Images.smooth(17, 11);
    assertPixels(
        reference(in, 7, 4, 3, ResizeFilterTest::lanczos3),
        resize("resize width=7 height=4 fit=fill", in),
        1);
  }

  @Test
  void lanczosEnlargeMatchesANaiveReference() {
    Pixels in =
        Images.of(3, 2, 0xFF000000, 0xFFFFFFFF, 0xFF102030, 0xFFFF0000, 0xFF00FF00, 0xFF0000FF);
    assertPixels(
        reference(in, 8, 5, 3, ResizeFilterTest::lanczos3),
        resize("resize width=8 height=5 fit=fill", in),
        1);
  }

  @Test
  void bicubicMatchesANaiveCatmullRomReference() {
    Pixels in = Images.smooth(13, 9);
    DoubleUnaryOperator catmullRom =
        x -> {
          x = Math.abs(x);
          return x < 1
              ? 1.5 * x * x * x - 2.5 * x * x + 1
              : x < 2 ? -0.5 * x * x * x + 2.5 * x * x - 4 * x + 2 : 0;
        };
    assertPixels(
        reference(in, 5, 20, 2, catmullRom),
        resize("resize width=5 height=20 fit=fill method=bicubic", in),
        1);
  }

  @Test
  void bilinearMatchesANaiveTentReference() {
    Pixels in = Images.smooth(13, 9);
    DoubleUnaryOperator tent = x -> Math.max(0, 1 - Math.abs(x));
    assertPixels(
        reference(in, 6, 4, 1, tent),
        resize("resize width=6 height=4 fit=fill method=bilinear", in),
        1);
  }

  @Test
  void boxReductionFastPathStaysCloseToTheExactPath() {
    Pixels in = Images.smooth(400, 300);
    Pixels fast = Resampler.resize(in, 50, 38, Resampler.Kernel.LANCZOS3, true);
    Pixels exact = Resampler.resize(in, 50, 38, Resampler.Kernel.LANCZOS3, false);
    int diff = Images.maxDiff(exact, fast);
    assertTrue(diff <= 2, "max channel difference " + diff);
  }

  @Test
  void belowFourTimesThereIsNoBoxReduction() {
    Pixels in = Images.smooth(96, 54);
    assertPixels(
        Resampler.resize(in, 40, 23, Resampler.Kernel.LANCZOS3, false),
        Resampler.resize(in, 40, 23, Resampler.Kernel.LANCZOS3, true));
  }

  @Test
  void transparentPixelsDoNotBleedTheirColour() {
    // Opaque blue next to fully transparent red: premultiplied resampling adds no red.
    int[] px = new int[8 * 2];
    for (int i = 0; i < px.length; i++) {
      px[i] = i % 8 < 4 ? 0xFF0000FF : 0x00FF0000;
    }
    Pixels out = resize("resize width=3 height=1 fit=fill", new Pixels(8, 2, px, true));
    for (int c : out.argb()) {
      assertEquals(0, (c >>> 16) & 0xFF, String.format("%08x", c));
    }
  }

  @Test
  void weightsAreNormalizedAndClampedToTheSource() {
    Resampler.Weights w = Resampler.weights(Resampler.Kernel.LANCZOS3, 10, 3, 10 / 3.0);
    for (int i = 0; i < 3; i++) {
      float sum = 0;
      for (int k = 0; k < w.count[i]; k++) {
        sum += w.weights[i * w.stride + k];
      }
      assertEquals(1f, sum, 1e-5f);
      assertTrue(w.start[i] >= 0 && w.start[i] + w.count[i] <= 10);
    }
  }

  static double lanczos3(double x) {
    if (x == 0) {
      return 1;
    }
    if (Math.abs(x) >= 3) {
      return 0;
    }
    return Math.sin(Math.PI * x) / (Math.PI * x) * Math.sin(Math.PI * x / 3) / (Math.PI * x / 3);
  }

  /**
   * Direct 2-D resampling: each output pixel sums every source pixel (clamped indices over a wide
   * range) weighted by k(dx / s) k(dy / s), s = max(scale, 1), normalized; opaque images only.
   */
  static Pixels reference(Pixels in, int dw, int dh, int radius, DoubleUnaryOperator k) {
    int w = in.width();
    int h = in.height();
    double sx = (double) w / dw;
    double sy = (double) h / dh;
    double fx = Math.max(1, sx);
    double fy = Math.max(1, sy);
    int[] out = new int[dw * dh];
    for (int y = 0; y < dh; y++) {
      for (int x = 0; x < dw; x++) {
        double cx = (x + 0.5) * sx;
        double cy = (y + 0.5) * sy;
        double[] acc = new double[3];
        double norm = 0;
        for (int j = -radius * 8 - 2; j < h + radius * 8 + 2; j++) {
          double wy = k.applyAsDouble((j + 0.5 - cy) / fy);
          for (int i = -radius * 8 - 2; i < w + radius * 8 + 2; i++) {
            double wt = wy * k.applyAsDouble((i + 0.5 - cx) / fx);
            if (wt == 0) {
              continue;
            }
            int c = in.get(Math.min(w - 1, Math.max(0, i)), Math.min(h - 1, Math.max(0, j)));
            acc[0] += wt * ((c >>> 16) & 0xFF);
            acc[1] += wt * ((c >>> 8) & 0xFF);
            acc[2] += wt * (c & 0xFF);
            norm += wt;
          }
        }
        int c = 0xFF000000;
        for (int ch = 0; ch < 3; ch++) {
          long v = Math.round(Math.min(255, Math.max(0, acc[ch] / norm)));
          c |= (int) v << (16 - 8 * ch);
        }
        out[y * dw + x] = c;
      }
    }
    return new Pixels(dw, dh, out, false);
  }

  @Test
  void cachedWeightsAreTheComputedOnesReused() {
    Resampler.Weights fresh = Resampler.weights(Resampler.Kernel.LANCZOS3, 1920, 800, 2.4);
    Resampler.Weights first = Resampler.cachedWeights(Resampler.Kernel.LANCZOS3, 1920, 800, 2.4);
    Resampler.Weights again = Resampler.cachedWeights(Resampler.Kernel.LANCZOS3, 1920, 800, 2.4);
    assertSame(first, again);
    assertArrayEquals(fresh.start, first.start);
    assertArrayEquals(fresh.count, first.count);
    assertArrayEquals(fresh.weights, first.weights);
    assertArrayEquals(FixedPoint.quantize(fresh), first.fixedPoint());
    Resampler.Weights other = Resampler.cachedWeights(Resampler.Kernel.LANCZOS3, 1920, 801, 2.4);
    assertNotSame(first, other);
    assertEquals(801, other.start.length);
  }
}
