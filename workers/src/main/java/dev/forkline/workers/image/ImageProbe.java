package dev.forkline.workers.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads an image's format and dimensions from its header, without decoding a pixel, and refuses
 * images whose pixel count exceeds a limit (decompression bombs: huge dimensions in a tiny file).
 *
 * <p>Thread-safe: holds only its limit; each call uses its own ImageIO reader.
 */
public final class ImageProbe {

  /** What the header says. */
  public record Info(String format, int width, int height) {
    public long pixels() {
      return (long) width * height;
    }
  }

  private final long maxPixels;

  /**
   * @param maxPixels the largest width x height accepted, at least 1
   */
  public ImageProbe(long maxPixels) {
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels must be at least 1, was " + maxPixels);
    }
    this.maxPixels = maxPixels;
  }

  /**
   * Probes an image held in memory.
   *
   * @throws ImageException of kind {@code corrupt}, {@code unsupported} or {@code too-large}
   */
  public Info probe(byte[] bytes) throws ImageException {
    if (bytes.length == 0) {
      throw new ImageException(ImageException.Kind.CORRUPT, "empty file (0 bytes)");
    }
    String sniffed = ImageFormats.sniff(bytes);
    // In memory: ImageIO.createImageInputStream would cache an InputStream in a temp file.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        if (sniffed != null) {
          throw new ImageException(
              ImageException.Kind.UNSUPPORTED,
              "a " + sniffed + " image, which this version cannot decode");
        }
        throw new ImageException(
            ImageException.Kind.UNSUPPORTED,
            "not a recognised image format (first bytes: "
                + ImageFormats.hexPrefix(bytes, 8)
                + ")");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width <= 0 || height <= 0) {
          throw new ImageException(
              ImageException.Kind.CORRUPT, "invalid dimensions " + width + "x" + height);
        }
        String format = ImageFormats.normalize(reader.getFormatName());
        Info info = new Info(format, width, height);
        if (info.pixels() > maxPixels) {
          throw new ImageException(
              ImageException.Kind.TOO_LARGE,
              width
                  + "x"
                  + height
                  + " = "
                  + info.pixels()
                  + " pixels, above the limit of "
                  + maxPixels
                  + " (image-filter.max-pixels)");
        }
        HeaderChecks.check(bytes, format, width, height, maxPixels);
        return info;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw new ImageException(
          ImageException.Kind.CORRUPT,
          (sniffed == null ? "unreadable image header" : "unreadable " + sniffed + " header")
              + ": "
              + e.getMessage());
    }
  }
}
