package dev.forkline.workers.image;

import java.util.Locale;

/** Recognises image formats by their magic bytes and normalises format names. */
public final class ImageFormats {
  private ImageFormats() {}

  /** The format the first bytes announce ({@code jpeg}, {@code png}, ...), or null. */
  public static String sniff(byte[] b) {
    if (startsWith(b, 0xFF, 0xD8, 0xFF)) {
      return "jpeg";
    }
    if (startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "png";
    }
    if (startsWith(b, 'G', 'I', 'F', '8')) {
      return "gif";
    }
    if (startsWith(b, 'B', 'M')) {
      return "bmp";
    }
    if (startsWith(b, 'I', 'I', 42, 0) || startsWith(b, 'M', 'M', 0, 42)) {
      return "tiff";
    }
    if (startsWith(b, 'R', 'I', 'F', 'F')
        && b.length >= 12
        && b[8] == 'W'
        && b[9] == 'E'
        && b[10] == 'B'
        && b[11] == 'P') {
      return "webp";
    }
    if (startsWith(b, '8', 'B', 'P', 'S')) {
      return "psd";
    }
    if (startsWith(b, 0, 0, 1, 0)) {
      return "ico";
    }
    if (b.length >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '7' && isPnmSpace(b[2])) {
      return "pnm";
    }
    if (b.length >= 128
        && b[0] == 0x0A
        && (b[1] == 0 || (b[1] >= 2 && b[1] <= 5))
        && (b[2] == 0 || b[2] == 1)
        && (b[3] == 1 || b[3] == 2 || b[3] == 4 || b[3] == 8)) {
      return "pcx";
    }
    if (b.length >= 12 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p') {
      return "heif/avif";
    }
    return null;
  }

  /** A stable lower-case name for ImageIO's format names ({@code JPEG}, {@code jpg} -> jpeg). */
  public static String normalize(String formatName) {
    String f = formatName.toLowerCase(Locale.ROOT);
    return switch (f) {
      case "jpg", "jpeg", "jpeg-lossless" -> "jpeg";
      case "tif", "tiff" -> "tiff";
      case "wbmp" -> "wbmp";
      default -> f;
    };
  }

  /** The first {@code n} bytes in hex, for messages about unrecognised files. */
  public static String hexPrefix(byte[] b, int n) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(n, b.length); i++) {
      if (i > 0) {
        out.append(' ');
      }
      out.append(String.format(Locale.ROOT, "%02x", b[i] & 0xFF));
    }
    return out.toString();
  }

  private static boolean isPnmSpace(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  private static boolean startsWith(byte[] b, int... magic) {
    if (b.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((b[i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
