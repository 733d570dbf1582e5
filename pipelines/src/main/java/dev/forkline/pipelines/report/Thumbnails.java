package dev.forkline.pipelines.report;

import dev.forkline.workers.image.ImageException;
import dev.forkline.workers.image.Pixels;
import dev.forkline.workers.image.codec.Decoded;
import dev.forkline.workers.image.codec.ImageCodec;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Small JPEG thumbnails as {@code data:} URLs, for the contact sheet of an image run's report. */
final class Thumbnails {
  /** The longest side of a thumbnail. */
  static final int SIZE = 160;

  /** Files larger than this are not opened for a thumbnail. */
  private static final long MAX_FILE = 64L << 20;

  private static final long MAX_PIXELS = 200_000_000L;

  private Thumbnails() {}

  /** The file as a thumbnail's {@code data:} URL, or null if it cannot be read or decoded. */
  static String dataUrl(String path) {
    if (path == null) {
      return null;
    }
    try {
      Path file = Path.of(path);
      if (!Files.isRegularFile(file) || Files.size(file) > MAX_FILE) {
        return null;
      }
      Decoded decoded =
          ImageCodec.decode(
              Files.readAllBytes(file),
              MAX_PIXELS,
              (w, h, orientation) -> denominator(Math.max(w, h)));
      Pixels pixels = decoded.pixels();
      if (decoded.pendingColour() != null) {
        pixels = decoded.pendingColour().apply(pixels);
      }
      return "data:image/jpeg;base64,"
          + Base64.getEncoder().encodeToString(jpeg(scaled(pixels), 0.72f));
    } catch (IOException | ImageException | RuntimeException e) {
      return null;
    }
  }

  /** The largest of 1, 2, 4, 8 that keeps the longest side at twice the thumbnail's or more. */
  private static int denominator(int longest) {
    int d = 1;
    while (d < 8 && longest / (d * 2) >= SIZE * 2) {
      d *= 2;
    }
    return d;
  }

  /** Halves while above twice the size, then one bilinear step: no aliasing, little time. */
  private static BufferedImage scaled(Pixels pixels) {
    BufferedImage image =
        new BufferedImage(pixels.width(), pixels.height(), BufferedImage.TYPE_INT_RGB);
    int[] rgb = pixels.argb();
    if (pixels.alpha()) {
      rgb = rgb.clone();
      for (int i = 0; i < rgb.length; i++) {
        int a = rgb[i] >>> 24;
        int r = (rgb[i] >> 16 & 0xFF) * a / 255 + 255 - a;
        int g = (rgb[i] >> 8 & 0xFF) * a / 255 + 255 - a;
        int b = (rgb[i] & 0xFF) * a / 255 + 255 - a;
        rgb[i] = r << 16 | g << 8 | b;
      }
    }
    image.setRGB(0, 0, pixels.width(), pixels.height(), rgb, 0, pixels.width());
    while (Math.max(image.getWidth(), image.getHeight()) > SIZE * 2) {
      image = resize(image, Math.max(1, image.getWidth() / 2), Math.max(1, image.getHeight() / 2));
    }
    double scale = Math.min(1.0, (double) SIZE / Math.max(image.getWidth(), image.getHeight()));
    return scale == 1.0
        ? image
        : resize(
            image,
            Math.max(1, (int) Math.round(image.getWidth() * scale)),
            Math.max(1, (int) Math.round(image.getHeight() * scale)));
  }

  private static BufferedImage resize(BufferedImage image, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(image, 0, 0, width, height, null);
    g.dispose();
    return out;
  }

  private static byte[] jpeg(BufferedImage image, float quality) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
