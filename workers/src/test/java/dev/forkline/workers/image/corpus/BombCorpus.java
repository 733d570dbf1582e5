package dev.forkline.workers.image.corpus;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * Crafted and truncated files of every format forkline decodes, each with the failure kind its row
 * must have: decompression bombs (sizes in headers, embedded streams, tiles, frames and entries
 * that a decoder would allocate), lies about lengths, and files cut short. Made here, not stored,
 * so that each one's construction says what it is.
 */
public final class BombCorpus {
  private BombCorpus() {}

  /** A crafted file and the kind its row must fail with. */
  public record Entry(String name, byte[] bytes, String kind) {}

  /** Every entry, by name (the name's extension is the file's). */
  public static Map<String, Entry> all() throws Exception {
    Map<String, Entry> out = new LinkedHashMap<>();
    byte[] jpeg = encode("jpeg");
    byte[] png = encode("png");
    byte[] gif = encode("gif");
    byte[] bmp = encode("bmp");
    byte[] tiff = encode("tiff");

    add(out, "empty.jpg", new byte[0], "corrupt");
    add(
        out,
        "text.jpg",
        "this is not an image\n".getBytes(StandardCharsets.US_ASCII),
        "unsupported");
    add(out, "noise.png", noise(4096), "unsupported");

    add(out, "jpeg-half.jpg", cut(jpeg, jpeg.length / 2), "corrupt");
    add(out, "jpeg-soi-only.jpg", cut(jpeg, 2), "corrupt");
    add(out, "jpeg-headers-only.jpg", cut(jpeg, sosOffset(jpeg) + 4), "corrupt");
    add(out, "jpeg-65000x65000.jpg", jpegSize(jpeg, 65000, 65000), "too-large");
    add(out, "jpeg-zero-width.jpg", jpegSize(jpeg, 0, 48), "corrupt");
    add(out, "jpeg-garbage-after-soi.jpg", concat(cut(jpeg, 2), noise(2000)), "corrupt");

    add(out, "png-half.png", cut(png, png.length / 2), "corrupt");
    add(out, "png-signature-only.png", cut(png, 8), "corrupt");
    add(out, "png-100000x100000.png", pngSize(png, 100_000, 100_000), "too-large");
    add(out, "png-zero-height.png", pngSize(png, 64, 0), "corrupt");
    add(out, "png-no-idat.png", concat(cut(png, 33), iend()), "corrupt");

    add(out, "gif-half.gif", cut(gif, gif.length / 2), "corrupt");
    add(out, "gif-header-only.gif", cut(gif, 13), "corrupt");
    add(out, "gif-screen-65535.gif", gifScreen(gif, 65535, 65535), "too-large");

    add(out, "bmp-half.bmp", cut(bmp, 40), "corrupt");
    add(out, "bmp-bi-png-40000.bmp", bmpWrapping(5, pngSize(png, 40_000, 40_000)), "too-large");
    add(out, "bmp-bi-jpeg-40000.bmp", bmpWrapping(4, jpegSize(jpeg, 40_000, 40_000)), "too-large");
    add(out, "bmp-bi-png-real-bomb.bmp", bmpWrapping(5, blankPng(40_000, 40_000)), "too-large");
    add(out, "bmp-size-image-2gib.bmp", bmpSizeImage(), "corrupt");
    add(out, "bmp-100000x100000-in-9k.bmp", bmpSize(bmp, 100_000, 100_000), "corrupt");
    add(out, "bmp-pixels-past-end.bmp", bmpOffset(bmp, 1 << 30), "corrupt");

    add(out, "tiff-half.tif", cut(tiff, 20), "corrupt");
    add(out, "tiff-ifd-past-end.tif", tiffIfdAt(tiff, 1 << 30), "corrupt");
    add(out, "tiff-100000x100000.tif", tiffTiled(100_000, 100_000, 16, 16), "too-large");
    add(out, "tiff-tiles-65536.tif", tiffTiled(16, 16, 65536, 65536), "corrupt");
    add(out, "tiff-tiles-4096-in-16.tif", tiffTiled(16, 16, 4096, 4096), "corrupt");
    add(out, "tiff-deflate-strip-of-2g.tif", tiffStrip(8, 0x7FFF_FFF0), "corrupt");
    add(out, "tiff-lzw-strip-of-1g.tif", tiffStrip(5, 1 << 30), "corrupt");

    add(out, "webp-header-only.webp", cut(webp(vp8l(64, 48)), 20), "corrupt");
    add(out, "webp-canvas-16384.webp", webp(vp8x(16384, 16384), vp8l(64, 48)), "too-large");
    add(out, "webp-frame-over-canvas.webp", webp(vp8x(16, 16), vp8l(4000, 4000)), "corrupt");
    add(out, "webp-frame-16384.webp", webp(vp8x(16, 16), vp8l(16384, 16384)), "too-large");
    add(out, "webp-lossless-garbage.webp", webp(vp8l(64, 48)), "corrupt");

    add(out, "ico-width-0x80000000.ico", ico(bmpInfo(0x80000000, 32)), "too-large");
    add(out, "ico-png-100000.ico", ico(pngSize(png, 100_000, 100_000)), "too-large");
    add(out, "ico-entry-past-end.ico", icoPointingAt(1 << 30), "corrupt");
    add(out, "ico-no-images.ico", new byte[] {0, 0, 1, 0, 0, 0}, "corrupt");
    add(out, "ico-half.ico", cut(ico(bmpInfo(16, 32)), 20), "corrupt");

    add(out, "pnm-100000.ppm", ascii("P6\n100000 100000\n255\n"), "too-large");
    add(
        out,
        "pnm-half.ppm",
        concat(ascii("P6\n64 48\n255\n"), new byte[64 * 48 * 3 / 2]),
        "corrupt");
    add(out, "pnm-bad-size.ppm", ascii("P6\n-5 x\n255\n"), "corrupt");
    add(out, "pbm-100000.pbm", ascii("P4\n100000 100000\n"), "too-large");

    add(out, "pcx-65536.pcx", pcx(65535, 65535, 0), "too-large");
    add(out, "pcx-half.pcx", pcx(63, 47, 64 * 48 / 2), "corrupt");

    add(out, "psd-30000.psd", psd(30_000, 30_000), "too-large");
    add(out, "psd-header-only.psd", cut(psd(64, 48), 26), "corrupt");
    return out;
  }

  private static void add(Map<String, Entry> out, String name, byte[] bytes, String kind) {
    out.put(name, new Entry(name, bytes, kind));
  }

  private static byte[] encode(String format) throws Exception {
    BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        image.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | ((x + y) * 2));
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    if (!ImageIO.write(image, format, bytes)) {
      throw new IllegalStateException("no ImageIO writer for " + format);
    }
    return bytes.toByteArray();
  }

  private static byte[] noise(int n) {
    byte[] b = new byte[n];
    new java.util.Random(20).nextBytes(b);
    b[0] = 0x13; // no format's magic
    return b;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] cut(byte[] b, int n) {
    return Arrays.copyOf(b, n);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static int sosOffset(byte[] jpeg) {
    for (int i = 2; i + 1 < jpeg.length; i++) {
      if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
        return i;
      }
    }
    throw new IllegalStateException("no SOS");
  }

  /** The JPEG with its SOF0 frame size set to {@code w} x {@code h}. */
  private static byte[] jpegSize(byte[] jpeg, int w, int h) {
    byte[] b = jpeg.clone();
    for (int i = 2; i + 9 < b.length; i++) {
      if ((b[i] & 0xFF) == 0xFF && ((b[i + 1] & 0xFF) == 0xC0 || (b[i + 1] & 0xFF) == 0xC2)) {
        b[i + 5] = (byte) (h >> 8);
        b[i + 6] = (byte) h;
        b[i + 7] = (byte) (w >> 8);
        b[i + 8] = (byte) w;
        return b;
      }
    }
    throw new IllegalStateException("no SOF");
  }

  /** The PNG with its IHDR size set (and its CRC made right again). */
  private static byte[] pngSize(byte[] png, int w, int h) {
    byte[] b = png.clone();
    ByteBuffer.wrap(b, 16, 8).putInt(w).putInt(h);
    CRC32 crc = new CRC32();
    crc.update(b, 12, 17);
    ByteBuffer.wrap(b, 29, 4).putInt((int) crc.getValue());
    return b;
  }

  /** A real 1-bit grey PNG of {@code w} x {@code h}, all black: 1.6 Gpx in some 200 KB. */
  private static byte[] blankPng(int w, int h) {
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(9);
    byte[] row = new byte[1 + (w + 7) / 8];
    byte[] buffer = new byte[1 << 16];
    for (int y = 0; y < h; y++) {
      deflater.setInput(row);
      while (!deflater.needsInput()) {
        idat.write(buffer, 0, deflater.deflate(buffer));
      }
    }
    deflater.finish();
    while (!deflater.finished()) {
      idat.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h);
    ihdr.put((byte) 1).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
    return concat(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'},
        pngChunk("IHDR", ihdr.array()),
        pngChunk("IDAT", idat.toByteArray()),
        iend());
  }

  private static byte[] pngChunk(String type, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(12 + data.length);
    b.putInt(data.length).put(type.getBytes(StandardCharsets.US_ASCII)).put(data);
    CRC32 crc = new CRC32();
    crc.update(b.array(), 4, 4 + data.length);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  private static byte[] iend() {
    return new byte[] {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};
  }

  private static byte[] gifScreen(byte[] gif, int w, int h) {
    byte[] b = gif.clone();
    ByteBuffer.wrap(b, 6, 4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) w).putShort((short) h);
    // and the first image descriptor the same: after the global colour table and extensions
    int i = 13 + ((b[10] & 0x80) != 0 ? 3 << ((b[10] & 7) + 1) : 0);
    while (b[i] == 0x21) {
      i += 2;
      while (b[i] != 0) {
        i += (b[i] & 0xFF) + 1;
      }
      i++;
    }
    if (b[i] != 0x2C) {
      throw new IllegalStateException("no image descriptor at " + i);
    }
    ByteBuffer.wrap(b, i + 5, 4)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putShort((short) w)
        .putShort((short) h);
    return b;
  }

  /** A BITMAPINFOHEADER of {@code w} x {@code h}, 32 bits, nothing else. */
  private static byte[] bmpInfo(long w, long h) {
    ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(40).putInt((int) w).putInt((int) h).putShort((short) 1).putShort((short) 32);
    b.putInt(0).putInt(0).putInt(2835).putInt(2835).putInt(0).putInt(0);
    return b.array();
  }

  /** A 1x1 BMP whose pixels are {@code stream}, compressed as BI_JPEG (4) or BI_PNG (5). */
  private static byte[] bmpWrapping(int compression, byte[] stream) {
    ByteBuffer b = ByteBuffer.allocate(54 + stream.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'B').put((byte) 'M').putInt(54 + stream.length).putInt(0).putInt(54);
    b.putInt(40).putInt(1).putInt(1).putShort((short) 1).putShort((short) 0);
    b.putInt(compression).putInt(stream.length).putInt(2835).putInt(2835).putInt(0).putInt(0);
    b.put(stream);
    return b.array();
  }

  /** A 62-byte 1-bit 16x16 BMP whose biSizeImage claims nearly 2 GiB. */
  private static byte[] bmpSizeImage() {
    ByteBuffer b = ByteBuffer.allocate(62 + 64).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'B').put((byte) 'M').putInt(62 + 64).putInt(0).putInt(62);
    b.putInt(40).putInt(16).putInt(16).putShort((short) 1).putShort((short) 1);
    b.putInt(0).putInt(0x7FFFFFF0).putInt(2835).putInt(2835).putInt(2).putInt(0);
    b.putInt(0).putInt(0x00FFFFFF); // the two palette entries
    return b.array();
  }

  private static byte[] bmpSize(byte[] bmp, int w, int h) {
    byte[] b = bmp.clone();
    ByteBuffer.wrap(b, 18, 8).order(ByteOrder.LITTLE_ENDIAN).putInt(w).putInt(h);
    ByteBuffer.wrap(b, 34, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0);
    return b;
  }

  private static byte[] bmpOffset(byte[] bmp, int offset) {
    byte[] b = bmp.clone();
    ByteBuffer.wrap(b, 10, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(offset);
    return b;
  }

  private static byte[] tiffIfdAt(byte[] tiff, int offset) {
    byte[] b = tiff.clone();
    ByteOrder order = b[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    ByteBuffer.wrap(b, 4, 4).order(order).putInt(offset);
    return b;
  }

  /**
   * A little-endian 8-bit RGB TIFF of {@code w} x {@code h} in tiles of {@code tw} x {@code tl}.
   */
  private static byte[] tiffTiled(int w, int h, int tw, int tl) {
    int entries = 10;
    int ifd = 8;
    int bits = ifd + 2 + 12 * entries + 4;
    int data = bits + 6;
    ByteBuffer b = ByteBuffer.allocate(data + 64).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd);
    b.putShort((short) entries);
    tag(b, 256, 4, 1, w);
    tag(b, 257, 4, 1, h);
    tag(b, 258, 3, 3, bits);
    tag(b, 259, 3, 1, 1);
    tag(b, 262, 3, 1, 2);
    tag(b, 277, 3, 1, 3);
    tag(b, 322, 4, 1, tw);
    tag(b, 323, 4, 1, tl);
    tag(b, 324, 4, 1, data);
    tag(b, 325, 4, 1, 64);
    b.putInt(0);
    b.putShort((short) 8).putShort((short) 8).putShort((short) 8);
    return b.array();
  }

  /**
   * A little-endian 64x64 RGB TIFF of one strip in {@code compression} (5 LZW, 8 Deflate) whose
   * StripByteCounts says {@code count} bytes, where the file holds 64.
   */
  private static byte[] tiffStrip(int compression, int count) {
    int entries = 9;
    int ifd = 8;
    int bits = ifd + 2 + 12 * entries + 4;
    int data = bits + 6;
    ByteBuffer b = ByteBuffer.allocate(data + 64).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd);
    b.putShort((short) entries);
    tag(b, 256, 4, 1, 64);
    tag(b, 257, 4, 1, 64);
    tag(b, 258, 3, 3, bits);
    tag(b, 259, 3, 1, compression);
    tag(b, 262, 3, 1, 2);
    tag(b, 273, 4, 1, data);
    tag(b, 277, 3, 1, 3);
    tag(b, 278, 4, 1, 64);
    tag(b, 279, 4, 1, count);
    b.putInt(0);
    b.putShort((short) 8).putShort((short) 8).putShort((short) 8);
    return b.array();
  }

  private static void tag(ByteBuffer b, int tag, int type, int count, int value) {
    b.putShort((short) tag).putShort((short) type).putInt(count);
    if (type == 3 && count == 1) {
      b.putShort((short) value).putShort((short) 0);
    } else {
      b.putInt(value);
    }
  }

  private static byte[] chunk(String fourcc, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(8 + data.length + (data.length & 1));
    b.order(ByteOrder.LITTLE_ENDIAN).put(fourcc.getBytes(StandardCharsets.US_ASCII));
    b.putInt(data.length).put(data);
    return b.array();
  }

  private static byte[] webp(byte[]... chunks) {
    byte[] body = concat(chunks);
    ByteBuffer b = ByteBuffer.allocate(12 + body.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("RIFF")).putInt(4 + body.length).put(ascii("WEBP")).put(body);
    return b.array();
  }

  private static byte[] vp8x(int w, int h) {
    ByteBuffer b = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0);
    put24(b, w - 1);
    put24(b, h - 1);
    return chunk("VP8X", b.array());
  }

  /** A lossless frame header of {@code w} x {@code h} followed by bytes that decode to nothing. */
  private static byte[] vp8l(int w, int h) {
    ByteBuffer b = ByteBuffer.allocate(5 + 32).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x2F).putInt((w - 1) | (h - 1) << 14);
    for (int i = 0; i < 32; i++) {
      b.put((byte) 0xFF);
    }
    return chunk("VP8L", b.array());
  }

  private static void put24(ByteBuffer b, int v) {
    b.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
  }

  /** An ICO of one entry whose image is {@code image}. */
  private static byte[] ico(byte[] image) {
    ByteBuffer b = ByteBuffer.allocate(6 + 16 + image.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) 0).putShort((short) 1).putShort((short) 1);
    b.put((byte) 16).put((byte) 16).put((byte) 0).put((byte) 0);
    b.putShort((short) 1).putShort((short) 32).putInt(image.length).putInt(22);
    b.put(image);
    return b.array();
  }

  private static byte[] icoPointingAt(int offset) {
    ByteBuffer b = ByteBuffer.allocate(6 + 16 + 40).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) 0).putShort((short) 1).putShort((short) 1);
    b.put((byte) 16).put((byte) 16).put((byte) 0).put((byte) 0);
    b.putShort((short) 1).putShort((short) 32).putInt(40).putInt(offset);
    b.put(bmpInfo(16, 32));
    return b.array();
  }

  /** A PCX header of xmax x ymax (inclusive) and {@code data} bytes of RLE data after it. */
  private static byte[] pcx(int xmax, int ymax, int data) {
    ByteBuffer b = ByteBuffer.allocate(128 + data).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 10).put((byte) 5).put((byte) 1).put((byte) 8);
    b.putShort((short) 0).putShort((short) 0).putShort((short) xmax).putShort((short) ymax);
    b.putShort((short) 72).putShort((short) 72);
    b.position(65);
    b.put((byte) 3).putShort((short) (xmax + 1 + (xmax + 1) % 2)).putShort((short) 1);
    return b.array();
  }

  /** A PSD header of {@code w} x {@code h}, RGB 8-bit, empty sections, no image data. */
  private static byte[] psd(int w, int h) {
    ByteBuffer b = ByteBuffer.allocate(26 + 12 + 2 + 16);
    b.put(ascii("8BPS")).putShort((short) 1).put(new byte[6]).putShort((short) 3);
    b.putInt(h).putInt(w).putShort((short) 8).putShort((short) 3);
    b.putInt(0).putInt(0).putInt(0); // colour mode data, image resources, layer and mask info
    b.putShort((short) 0); // raw image data, none of it there
    return b.array();
  }
}
