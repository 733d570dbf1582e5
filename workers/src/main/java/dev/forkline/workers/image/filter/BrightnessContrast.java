package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;
import java.util.List;

/**
 * {@code brightness-contrast}: for each of R, G, B, {@code v' = (v - 128) * (1 + contrast) + 128 +
 * 255 * brightness}, rounded half up and clamped; alpha is kept. {@code brightness} is in -1..1 (-1
 * all black, 0 unchanged, 1 all white) and {@code contrast} in -1..1 (-1 flat mid-grey, 0
 * unchanged, 1 double slope); both default to 0. Applied through a 256-entry table. Immutable and
 * thread-safe.
 */
public final class BrightnessContrast implements Filter {
  static final List<String> PARAMS = List.of("brightness", "contrast");

  private final double brightness;
  private final double contrast;
  private final int[] table;

  public BrightnessContrast(double brightness, double contrast) {
    if (!(brightness >= -1 && brightness <= 1) || !(contrast >= -1 && contrast <= 1)) {
      throw new IllegalArgumentException(
          "brightness-contrast: brightness and contrast must be from -1 to 1, not "
              + brightness
              + ", "
              + contrast);
    }
    this.brightness = brightness;
    this.contrast = contrast;
    this.table = new int[256];
    for (int v = 0; v < 256; v++) {
      table[v] = Colors.clamp((v - 128) * (1 + contrast) + 128 + 255 * brightness);
    }
  }

  static Filter parse(Params p) {
    if (!p.has("brightness") && !p.has("contrast")) {
      throw p.error("needs brightness and/or contrast (each from -1 to 1)");
    }
    return new BrightnessContrast(
        p.number("brightness", 0.0, -1, 1), p.number("contrast", 0.0, -1, 1));
  }

  @Override
  public Pixels apply(Pixels in) {
    int[] src = in.argb();
    int[] out = new int[src.length];
    int[] t = table;
    for (int i = 0; i < src.length; i++) {
      int c = src[i];
      out[i] =
          (c & 0xFF000000)
              | (t[(c >>> 16) & 0xFF] << 16)
              | (t[(c >>> 8) & 0xFF] << 8)
              | t[c & 0xFF];
    }
    return new Pixels(in.width(), in.height(), out, in.alpha());
  }

  @Override
  public String describe() {
    return "brightness-contrast brightness="
        + Params.format(brightness)
        + " contrast="
        + Params.format(contrast);
  }

  @Override
  public String toString() {
    return describe();
  }
}
