package dev.forkline.workers.image.filter;

import static org.junit.jupiter.api.Assertions.fail;

import dev.forkline.workers.image.Pixels;

/** Small images and pixel assertions for the filter tests. */
final class Images {
  private Images() {}

  /** An opaque image of grey levels, row by row. */
  static Pixels gray(int w, int h, int... levels) {
    int[] px = new int[levels.length];
    for (int i = 0; i < levels.length; i++) {
      px[i] = 0xFF000000 | levels[i] * 0x010101;
    }
    return new Pixels(w, h, px, false);
  }

  /** An image of the given 0xAARRGGBB pixels; has alpha if any pixel is not opaque. */
  static Pixels of(int w, int h, int... argb) {
    boolean alpha = false;
    for (int c : argb) {
      alpha |= (c >>> 24) != 0xFF;
    }
    return new Pixels(w, h, argb.clone(), alpha);
  }

  static int channel(int argb, int shift) {
    return (argb >>> shift) & 0xFF;
  }

  /** Fails unless the sizes match and every channel differs by at most {@code tolerance}. */
  static void assertPixels(Pixels expected, Pixels actual, int tolerance) {
    if (expected.width() != actual.width() || expected.height() != actual.height()) {
      fail(
          "size: expected "
              + expected.width()
              + "x"
              + expected.height()
              + ", got "
              + actual.width()
              + "x"
              + actual.height());
    }
    for (int i = 0; i < expected.argb().length; i++) {
      for (int s = 0; s <= 24; s += 8) {
        int d = Math.abs(channel(expected.argb()[i], s) - channel(actual.argb()[i], s));
        if (d > tolerance) {
          fail(
              String.format(
                  "pixel (%d,%d): expected %08x, got %08x",
                  i % expected.width(),
                  i / expected.width(),
                  expected.argb()[i],
                  actual.argb()[i]));
        }
      }
    }
  }

  static void assertPixels(Pixels expected, Pixels actual) {
    assertPixels(expected, actual, 0);
  }

  /** The largest channel difference between two images of the same size. */
  static int maxDiff(Pixels a, Pixels b) {
    int max = 0;
    for (int i = 0; i < a.argb().length; i++) {
      for (int s = 0; s <= 24; s += 8) {
        max = Math.max(max, Math.abs(channel(a.argb()[i], s) - channel(b.argb()[i], s)));
      }
    }
    return max;
  }

  /** A smooth opaque test picture: gradients and a slow sine, no sharp edges. */
  static Pixels smooth(int w, int h) {
    int[] px = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = x * 255 / (w - 1);
        int g = y * 255 / (h - 1);
        int b = (int) Math.round(127.5 + 127.5 * Math.sin((x + y) * 2 * Math.PI / (w + h)));
        px[y * w + x] = 0xFF000000 | r << 16 | g << 8 | b;
      }
    }
    return new Pixels(w, h, px, false);
  }
}
