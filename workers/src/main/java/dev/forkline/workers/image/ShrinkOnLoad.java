package dev.forkline.workers.image;

import dev.forkline.workers.image.filter.AutoOrient;
import dev.forkline.workers.image.filter.Filter;
import dev.forkline.workers.image.filter.Resize;
import java.util.List;

/**
 * Shrink-on-load: the DCT scale a JPEG may be decoded at for a chain that begins with a downscale,
 * and the pixels a transform will hold, which the {@link PixelBudget} counts before it decodes.
 */
final class ShrinkOnLoad {
  private ShrinkOnLoad() {}

  /**
   * The pixels an image will be decoded to, from its header: its own, or a JPEG's after the
   * shrink-on-load its chain allows (whichever way its EXIF turns it). An image whose header does
   * not read counts as one pixel: its decode fails at once.
   */
  static long pixelsInWork(
      byte[] data, long maxPixels, List<Filter> chain, boolean orientFirst, boolean shrink) {
    ImageProbe.Info info;
    try {
      info = new ImageProbe(maxPixels).probe(data);
    } catch (ImageException e) {
      return 1;
    }
    long pixels = info.pixels();
    if (shrink && info.format().equals("jpeg")) {
      int d =
          Math.min(
              denominator(chain, orientFirst, info.width(), info.height(), 1),
              denominator(chain, orientFirst, info.width(), info.height(), 6));
      pixels = (long) ceilDiv(info.width(), d) * ceilDiv(info.height(), d);
    }
    return pixels;
  }

  /**
   * The scale's denominator (1, 2, 4 or 8) a JPEG of {@code w} x {@code h} may be decoded at for
   * {@code chain}: the largest that leaves the image at or above the size its first filter, a
   * downscale, makes of it (after the EXIF orientation, when {@code orientFirst} or an {@code
   * auto-orient} filter comes first); 1 when the chain does not begin with a resize.
   */
  static int denominator(List<Filter> chain, boolean orientFirst, int w, int h, int orientation) {
    boolean oriented = orientFirst;
    Resize first = null;
    for (Filter filter : chain) {
      if (filter instanceof AutoOrient) {
        oriented = true;
        continue;
      }
      if (filter instanceof Resize resize) {
        first = resize;
      }
      break;
    }
    if (first == null || w <= 0 || h <= 0) {
      return 1;
    }
    boolean swap = oriented && orientation >= 5 && orientation <= 8;
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    int[] target = first.scaledSize(ow, oh);
    for (int d = 8; d >= 2; d /= 2) {
      if (ceilDiv(ow, d) >= REDUCING_GAP * target[0]
          && ceilDiv(oh, d) >= REDUCING_GAP * target[1]) {
        return d;
      }
    }
    return 1;
  }

  /**
   * How much of the downscale is left to the resize after a shrink-on-load, at least: the DCT's
   * scaling averages blocks, the resize's kernel does the rest properly (Pillow's {@code
   * reducing_gap}, 2 in its {@code thumbnail}).
   */
  static final int REDUCING_GAP = 2;

  private static int ceilDiv(int a, int d) {
    return (a + d - 1) / d;
  }

  /** The size an image of {@code size} has after an EXIF orientation; null stays null. */
  static int[] turnedSize(int[] size, int orientation) {
    if (size == null || orientation < 5 || orientation > 8) {
      return size;
    }
    return new int[] {size[1], size[0], size[2]};
  }
}
