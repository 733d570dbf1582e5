package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;
import java.util.List;

/**
 * {@code crop}: keeps the box {@code x, y, width, height} (pixels; x and y from the top-left
 * corner). A box partly outside the image is clipped to it; a box entirely outside fails at apply
 * time. Immutable and thread-safe.
 */
public final class Crop implements Filter {
  static final List<String> PARAMS = List.of("x", "y", "width", "height");

  private final int x;
  private final int y;
  private final int width;
  private final int height;

  public Crop(int x, int y, int width, int height) {
    if (x < 0 || y < 0) {
      throw new IllegalArgumentException("crop: x and y must be 0 or more, not " + x + ", " + y);
    }
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "crop: width and height must be 1 or more, not " + width + ", " + height);
    }
    this.x = x;
    this.y = y;
    this.width = width;
    this.height = height;
  }

  static Filter parse(Params p) {
    for (String key : PARAMS) {
      if (!p.has(key)) {
        throw p.error("missing parameter '" + key + "'; required: x, y, width, height");
      }
    }
    return new Crop(
        p.integer("x", 0, Integer.MAX_VALUE),
        p.integer("y", 0, Integer.MAX_VALUE),
        p.integer("width", 1, Integer.MAX_VALUE),
        p.integer("height", 1, Integer.MAX_VALUE));
  }

  @Override
  public Pixels apply(Pixels in) {
    if (x >= in.width() || y >= in.height()) {
      throw new IllegalArgumentException(
          "crop: the box at x="
              + x
              + " y="
              + y
              + " lies outside the "
              + in.width()
              + "x"
              + in.height()
              + " image");
    }
    int w = (int) Math.min(width, (long) in.width() - x);
    int h = (int) Math.min(height, (long) in.height() - y);
    return cut(in, x, y, w, h);
  }

  /** The {@code w x h} region at {@code (x, y)}, which must lie inside {@code in}. */
  static Pixels cut(Pixels in, int x, int y, int w, int h) {
    int[] out = new int[w * h];
    for (int r = 0; r < h; r++) {
      System.arraycopy(in.argb(), (y + r) * in.width() + x, out, r * w, w);
    }
    return new Pixels(w, h, out, in.alpha());
  }

  @Override
  public String describe() {
    return "crop x=" + x + " y=" + y + " width=" + width + " height=" + height;
  }

  @Override
  public String toString() {
    return describe();
  }
}
