package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;
import java.util.List;

/**
 * {@code flip}: mirrors the image, {@code direction} = horizontal (left-right) or vertical
 * (top-bottom). Immutable and thread-safe.
 */
public final class Flip implements Filter {
  static final List<String> PARAMS = List.of("direction");

  private final boolean horizontal;

  /** A left-right mirror if {@code horizontal}, else top-bottom. */
  public Flip(boolean horizontal) {
    this.horizontal = horizontal;
  }

  static Filter parse(Params p) {
    if (!p.has("direction")) {
      throw p.error("missing parameter 'direction'; accepted values: horizontal, vertical");
    }
    return new Flip(p.choice("direction", null, "horizontal", "vertical").equals("horizontal"));
  }

  @Override
  public Pixels apply(Pixels in) {
    return AutoOrient.apply(in, horizontal ? 2 : 4);
  }

  @Override
  public String describe() {
    return "flip direction=" + (horizontal ? "horizontal" : "vertical");
  }

  @Override
  public String toString() {
    return describe();
  }
}
