package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;
import java.util.List;

/**
 * {@code threshold}: a pixel whose Rec. 709 luma (rounded, as {@link Grayscale}) is at least {@code
 * level} (0..255, default 128) becomes white, others black; alpha is kept. Immutable and
 * thread-safe.
 */
public final class Threshold implements Filter {
  static final List<String> PARAMS = List.of("level");

  private final int level;

  public Threshold(int level) {
    if (level < 0 || level > 255) {
      throw new IllegalArgumentException("threshold: level must be from 0 to 255, not " + level);
    }
    this.level = level;
  }

  static Filter parse(Params p) {
    Integer level = p.integer("level", 0, 255);
    return new Threshold(level == null ? 128 : level);
  }

  @Override
  public Pixels apply(Pixels in) {
    int[] src = in.argb();
    int[] out = new int[src.length];
    for (int i = 0; i < src.length; i++) {
      int rgb = Colors.luma(src[i]) >= level ? 0xFFFFFF : 0;
      out[i] = (src[i] & 0xFF000000) | rgb;
    }
    return new Pixels(in.width(), in.height(), out, in.alpha());
  }

  @Override
  public String describe() {
    return "threshold level=" + level;
  }

  @Override
  public String toString() {
    return describe();
  }
}
