package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;

/**
 * {@code invert}: each of R, G, B becomes {@code 255 - value}; alpha is kept. No parameters.
 * Immutable and thread-safe.
 */
public final class Invert implements Filter {
  public static final Invert INSTANCE = new Invert();

  private Invert() {}

  @Override
  public Pixels apply(Pixels in) {
    int[] src = in.argb();
    int[] out = new int[src.length];
    for (int i = 0; i < src.length; i++) {
      out[i] = src[i] ^ 0x00FFFFFF;
    }
    return new Pixels(in.width(), in.height(), out, in.alpha());
  }

  @Override
  public String describe() {
    return "invert";
  }

  @Override
  public String toString() {
    return describe();
  }
}
