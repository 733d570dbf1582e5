package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;

/**
 * {@code auto-orient}: turns an image stored with an EXIF orientation into its upright form.
 *
 * <p>The orientation belongs to each image's metadata, not to the config, so the filter built from
 * the config ({@code auto-orient}, no parameters) only marks the step: its {@link #apply(Pixels)}
 * returns a copy unchanged. The caller that decoded the image calls {@link #apply(Pixels, int)}
 * with the decoded orientation instead. Immutable and thread-safe.
 */
public final class AutoOrient implements Filter {
  /** The one instance: the filter has no parameters. */
  public static final AutoOrient INSTANCE = new AutoOrient();

  private AutoOrient() {}

  /**
   * A copy of {@code in} unchanged: the orientation is not known here; use {@link #apply(Pixels,
   * int)} with the image's EXIF orientation.
   */
  @Override
  public Pixels apply(Pixels in) {
    return new Pixels(in.width(), in.height(), in.argb().clone(), in.alpha());
  }

  /**
   * The upright image for EXIF orientation {@code orientation}: 1 as is, 2 mirrored left-right, 3
   * turned 180 degrees, 4 mirrored top-bottom, 5 transposed, 6 turned 90 degrees clockwise, 7
   * transversed, 8 turned 90 degrees counter-clockwise. Any other value (0 = no tag, or invalid) is
   * treated as 1, as viewers do. Always returns a new image.
   */
  public static Pixels apply(Pixels in, int orientation) {
    int w = in.width();
    int h = in.height();
    int[] src = in.argb();
    if (orientation < 2 || orientation > 8) {
      return new Pixels(w, h, src.clone(), in.alpha());
    }
    boolean swap = orientation >= 5;
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    int[] out = new int[src.length];
    for (int y = 0; y < oh; y++) {
      int o = y * ow;
      for (int x = 0; x < ow; x++) {
        int sx;
        int sy;
        switch (orientation) {
          case 2:
            sx = w - 1 - x;
            sy = y;
            break;
          case 3:
            sx = w - 1 - x;
            sy = h - 1 - y;
            break;
          case 4:
            sx = x;
            sy = h - 1 - y;
            break;
          case 5:
            sx = y;
            sy = x;
            break;
          case 6:
            sx = y;
            sy = h - 1 - x;
            break;
          case 7:
            sx = w - 1 - y;
            sy = h - 1 - x;
            break;
          default: // 8
            sx = w - 1 - y;
            sy = x;
            break;
        }
        out[o + x] = src[sy * w + sx];
      }
    }
    return new Pixels(ow, oh, out, in.alpha());
  }

  @Override
  public String describe() {
    return "auto-orient";
  }

  @Override
  public String toString() {
    return describe();
  }
}
