package dev.forkline.pipelines.image;

import dev.forkline.workers.image.codec.ImageCodec;
import java.util.Locale;
import java.util.Map;

/**
 * The output format and file extension of an input, from the configured {@code format} and the
 * input's extension. Decided when the folder is listed, before any byte is read, so every output
 * name is known up front and two inputs can never silently write the same file.
 */
final class OutputNames {
  /** Input extensions whose format forkline also writes, lower case, to that format. */
  private static final Map<String, String> WRITABLE =
      Map.of(
          "jpg", "jpeg",
          "jpeg", "jpeg",
          "jpe", "jpeg",
          "jfif", "jpeg",
          "png", "png",
          "gif", "gif",
          "bmp", "bmp",
          "dib", "bmp",
          "tif", "tiff",
          "tiff", "tiff");

  private OutputNames() {}

  /**
   * The format to encode: the configured one, or with {@code same} the input's own where forkline
   * writes it (by extension), else PNG (lossless; WebP, ICO, PNM, PCX and PSD are read, not
   * written).
   */
  static String targetFormat(String configured, String relativePath) {
    if (!"same".equals(configured)) {
      return configured;
    }
    return WRITABLE.getOrDefault(extensionOf(relativePath).toLowerCase(Locale.ROOT), "png");
  }

  /** The output's extension: the input's own (case kept) when the format is unchanged. */
  static String extension(String configured, String relativePath) {
    String ext = extensionOf(relativePath);
    String format = targetFormat(configured, relativePath);
    if (format.equals(WRITABLE.get(ext.toLowerCase(Locale.ROOT)))) {
      return ext;
    }
    return ImageCodec.extension(format);
  }

  private static String extensionOf(String relativePath) {
    int slash = relativePath.lastIndexOf('/');
    int dot = relativePath.lastIndexOf('.');
    return dot > slash + 1 ? relativePath.substring(dot + 1) : "";
  }
}
