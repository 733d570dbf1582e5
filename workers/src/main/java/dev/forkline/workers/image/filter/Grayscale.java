package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;

/**
 * {@code grayscale}: each pixel's R, G and B become its Rec. 709 luma ({@code 0.2126 R + 0.7152 G +
 * 0.0722 B} on the stored, gamma-encoded values, rounded); alpha is kept. No parameters. Immutable
 * and thread-safe.
 */
public final class Grayscale implements Filter {
  public static final Grayscale INSTANCE = new Grayscale();

  private Grayscale() {}

  @Override
  public Pixels apply(Pixels in) {
    int[] src = in.argb();
    int[] out = new int[src.length];
    for (int i = 0; i < src.length; i++) {
      int y = Colors.luma(src[i]);
      out[i] = (src[i] & 0xFF000000) | (y << 16) | (y << 8) | y;
    }
    return new Pixels(in.width(), in.height(), out, in.alpha());
  }

  @Override
  public String describe() {
    return "grayscale";
  }

  @Override
  public String toString() {
    return describe();
  }
}
