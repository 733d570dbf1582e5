package dev.forkline.workers.image.filter;

import java.util.Locale;

/** Channel arithmetic shared by the filters: clamping, rounding, luma, colour parsing. */
final class Colors {
  private Colors() {}

  /** {@code v} rounded half up and clamped to 0..255. */
  static int clamp(double v) {
    if (!(v > 0)) {
      return 0;
    }
    if (v >= 254.5) {
      return 255;
    }
    return (int) (v + 0.5);
  }

  /** {@code v} rounded half up and clamped to 0..255. */
  static int clamp(float v) {
    if (!(v > 0f)) {
      return 0;
    }
    if (v >= 254.5f) {
      return 255;
    }
    return (int) (v + 0.5f);
  }

  static int argb(int a, int r, int g, int b) {
    return (a << 24) | (r << 16) | (g << 8) | b;
  }

  /**
   * Rec. 709 luma of gamma-encoded 8-bit RGB, rounded half up: {@code 0.2126 R + 0.7152 G + 0.0722
   * B} in exact integer arithmetic (the weights sum to 10000).
   */
  static int luma(int argb) {
    int r = (argb >>> 16) & 0xFF;
    int g = (argb >>> 8) & 0xFF;
    int b = argb & 0xFF;
    return (2126 * r + 7152 * g + 722 * b + 5000) / 10000;
  }

  /**
   * Parses {@code #RRGGBB}, {@code #RRGGBBAA} (CSS order), {@code transparent}, {@code white} or
   * {@code black} into {@code 0xAARRGGBB}; null if not a colour.
   */
  static Integer parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "transparent":
        return 0x00000000;
      case "white":
        return 0xFFFFFFFF;
      case "black":
        return 0xFF000000;
      default:
        break;
    }
    if (!t.startsWith("#") || (t.length() != 7 && t.length() != 9)) {
      return null;
    }
    for (int i = 1; i < t.length(); i++) {
      if (Character.digit(t.charAt(i), 16) < 0) {
        return null;
      }
    }
    int rgb = Integer.parseUnsignedInt(t.substring(1, 7), 16);
    int a = t.length() == 9 ? Integer.parseInt(t.substring(7, 9), 16) : 0xFF;
    return (a << 24) | rgb;
  }

  /** The canonical text of a colour: {@code #rrggbb} when opaque, else {@code #rrggbbaa}. */
  static String format(int argb) {
    int a = argb >>> 24;
    String rgb = String.format(Locale.ROOT, "#%06x", argb & 0xFFFFFF);
    return a == 0xFF ? rgb : rgb + String.format(Locale.ROOT, "%02x", a);
  }
}
