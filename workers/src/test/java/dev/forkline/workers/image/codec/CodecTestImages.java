package dev.forkline.workers.image.codec;

import dev.forkline.workers.image.Pixels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Test images built in memory. */
final class CodecTestImages {
  private CodecTestImages() {}

  /** A smooth opaque gradient (JPEG-friendly). */
  static Pixels gradient(int w, int h) {
    int[] argb = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = x * 255 / Math.max(1, w - 1);
        int g = y * 255 / Math.max(1, h - 1);
        int b = (x + y) * 255 / Math.max(1, w + h - 2);
        argb[y * w + x] = 0xFF000000 | r << 16 | g << 8 | b;
      }
    }
    return new Pixels(w, h, argb, false);
  }

  /** Arbitrary colours (every pixel different), with alpha varying if {@code alpha}. */
  static Pixels noisy(int w, int h, boolean alpha) {
    int[] argb = new int[w * h];
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < argb.length; i++) {
      int a = alpha ? random.nextInt(256) : 0xFF;
      argb[i] = a << 24 | (random.nextInt() & 0xFFFFFF);
    }
    return new Pixels(w, h, argb, alpha);
  }

  static final int[] PALETTE = {
    0xFF000000, 0xFFFFFFFF, 0xFFFF0000, 0xFF00FF00, 0xFF0000FF, 0xFF123456, 0xFFFEDCBA, 0xFF808080
  };

  /** Only the 8 colours of {@link #PALETTE} (GIF-friendly). */
  static Pixels fewColours(int w, int h) {
    int[] palette = PALETTE;
    int[] argb = new int[w * h];
    for (int i = 0; i < argb.length; i++) {
      argb[i] = palette[(i * 7 + i / w) % palette.length];
    }
    return new Pixels(w, h, argb, false);
  }

  /** An 8-bit palette image with exactly {@link #PALETTE}; {@code p} must use only its colours. */
  static BufferedImage toPaletteImage(Pixels p) {
    java.awt.image.IndexColorModel cm =
        new java.awt.image.IndexColorModel(8, PALETTE.length, PALETTE, 0, false, -1, 0);
    BufferedImage image =
        new BufferedImage(p.width(), p.height(), BufferedImage.TYPE_BYTE_INDEXED, cm);
    image.setRGB(0, 0, p.width(), p.height(), p.argb(), 0, p.width());
    return image;
  }

  static BufferedImage toImage(Pixels p, int type) {
    BufferedImage image = new BufferedImage(p.width(), p.height(), type);
    image.setRGB(0, 0, p.width(), p.height(), p.argb(), 0, p.width());
    return image;
  }

  /** Writes with the JDK's own writer for {@code format} (not ours). */
  static byte[] imageIo(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(image, format, out)) {
      throw new IOException("no writer for " + format);
    }
    return out.toByteArray();
  }

  static byte[] progressiveJpeg(BufferedImage image) throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    ImageWriter writer = writers.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** {@code png} with a chunk inserted after IHDR. */
  static byte[] withPngChunk(byte[] png, String type, byte[] data) {
    int at = 33;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(png, 0, at);
    writeBe32(out, data.length);
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    writeBe32(out, crc.getValue());
    out.write(png, at, png.length - at);
    return out.toByteArray();
  }

  static void writeBe32(ByteArrayOutputStream out, long v) {
    out.write((int) (v >>> 24));
    out.write((int) (v >>> 16));
    out.write((int) (v >>> 8));
    out.write((int) v);
  }

  static void putBe32(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  static int maxChannelDiff(Pixels a, Pixels b) {
    int max = 0;
    for (int i = 0; i < a.argb().length; i++) {
      for (int shift = 0; shift <= 16; shift += 8) {
        int d = Math.abs((a.argb()[i] >> shift & 0xFF) - (b.argb()[i] >> shift & 0xFF));
        max = Math.max(max, d);
      }
    }
    return max;
  }
}
