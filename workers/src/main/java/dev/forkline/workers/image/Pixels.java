package dev.forkline.workers.image;

/**
 * A decoded image: {@code width x height} pixels, row by row, each packed as {@code 0xAARRGGBB}
 * (non-premultiplied). The type every filter takes and returns and every encoder writes.
 *
 * <p>Not thread-safe: the array is shared, not copied; a filter returns a new {@code Pixels} or
 * changes {@code argb} in place only where it says so.
 *
 * @param width columns, at least 1
 * @param height rows, at least 1
 * @param argb {@code width * height} pixels; pixel (x, y) is {@code argb[y * width + x]}
 * @param alpha true if any pixel may be not fully opaque (encoders keep an alpha channel)
 */
public record Pixels(int width, int height, int[] argb, boolean alpha) {

  public Pixels {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "an image needs at least 1x1 pixels, not " + width + "x" + height);
    }
    if (argb == null || argb.length != (long) width * height) {
      throw new IllegalArgumentException(
          "expected "
              + ((long) width * height)
              + " pixels for "
              + width
              + "x"
              + height
              + ", got "
              + (argb == null ? "none" : argb.length));
    }
  }

  /** An opaque image of one colour. */
  public static Pixels filled(int width, int height, int argb) {
    int[] data = new int[Math.multiplyExact(width, height)];
    java.util.Arrays.fill(data, argb);
    return new Pixels(width, height, data, (argb >>> 24) != 0xFF);
  }

  /** The pixel at column {@code x}, row {@code y}. */
  public int get(int x, int y) {
    return argb[y * width + x];
  }
}
