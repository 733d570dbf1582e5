package dev.forkline.workers.image;

import static dev.forkline.workers.image.Bytes.le16;
import static dev.forkline.workers.image.Bytes.le24;
import static dev.forkline.workers.image.Bytes.le32;
import static dev.forkline.workers.image.Bytes.u16;
import static dev.forkline.workers.image.Bytes.u32;

import dev.forkline.workers.image.ImageException.Kind;
import java.util.Arrays;

/**
 * What a decoder would allocate from an image's own structures, checked against the file before any
 * pixel is decoded: a header's width and height are not the only sizes a decoder trusts. A BMP can
 * wrap a PNG or JPEG stream of any size (BI_PNG, BI_JPEG) or claim gigabytes of pixel data
 * (biSizeImage), a TIFF's tiles can be larger than its image, its strips' byte counts past its end,
 * a WebP's frame larger than its canvas. Each size counts against {@code max-pixels} or is checked
 * against the file's length.
 */
final class HeaderChecks {
  private HeaderChecks() {}

  /** Throws when {@code b}, a {@code format} image of {@code width} x {@code height}, lies. */
  static void check(byte[] b, String format, int width, int height, long maxPixels)
      throws ImageException {
    switch (format) {
      case "bmp" -> bmp(b, maxPixels);
      case "tiff" -> tiff(b, width, height, maxPixels);
      case "webp" -> webp(b, maxPixels);
      default -> {}
    }
  }

  private static void bmp(byte[] b, long maxPixels) throws ImageException {
    if (b.length < 54 || le32(b, 14) < 40) {
      return; // an OS/2 header has neither compression nor image size
    }
    long offset = le32(b, 10);
    long compression = le32(b, 30);
    long sizeImage = le32(b, 34);
    if (offset > b.length) {
      throw new ImageException(
          Kind.CORRUPT, "BMP pixel data at byte " + offset + ", past the file's " + b.length);
    }
    long available = b.length - offset;
    if (sizeImage > available) {
      throw new ImageException(
          Kind.CORRUPT,
          "BMP header says its pixel data takes "
              + sizeImage
              + " bytes; the file has "
              + available
              + " after the header");
    }
    if (compression == 4 || compression == 5) {
      // BI_JPEG, BI_PNG: the stream inside has a size of its own, which the decoder uses.
      byte[] inner = Arrays.copyOfRange(b, (int) offset, b.length);
      ImageProbe.Info info;
      try {
        info = new ImageProbe(maxPixels).probe(inner);
      } catch (ImageException e) {
        throw new ImageException(e.kind(), "the BMP's embedded stream: " + e.getMessage());
      }
      if (!info.format().equals(compression == 4 ? "jpeg" : "png")) {
        throw new ImageException(
            Kind.CORRUPT,
            "BMP says its pixels are "
                + (compression == 4 ? "JPEG" : "PNG")
                + " but holds "
                + info.format());
      }
    }
  }

  private static void tiff(byte[] b, int width, int height, long maxPixels) throws ImageException {
    if (b.length < 8) {
      return;
    }
    boolean little = b[0] == 'I';
    long ifd = u32(b, 4, little);
    if (ifd + 2 > b.length) {
      throw new ImageException(Kind.CORRUPT, "TIFF directory at byte " + ifd + ", past the end");
    }
    int entries = u16(b, (int) ifd, little);
    long tileWidth = 0;
    long tileLength = 0;
    long[] offsets = null;
    long[] counts = null;
    for (int i = 0; i < entries; i++) {
      int at = (int) ifd + 2 + 12 * i;
      if (at + 12 > b.length) {
        throw new ImageException(Kind.CORRUPT, "TIFF directory cut short");
      }
      int tag = u16(b, at, little);
      int type = u16(b, at + 2, little);
      long value = type == 3 ? u16(b, at + 8, little) : u32(b, at + 8, little);
      if (tag == 322) {
        tileWidth = value;
      } else if (tag == 323) {
        tileLength = value;
      } else if (tag == 273 || tag == 324) {
        offsets = tiffValues(b, at, little);
      } else if (tag == 279 || tag == 325) {
        counts = tiffValues(b, at, little);
      }
    }
    checkStrips(b, offsets, counts);
    if (tileWidth == 0 && tileLength == 0) {
      return;
    }
    // A tile may overhang the image's edge, to a multiple of 16, not more (TIFF 6.0, section 15).
    long maxWidth = (width + 15L) / 16 * 16;
    long maxLength = (height + 15L) / 16 * 16;
    if (tileWidth > maxWidth || tileLength > maxLength || tileWidth * tileLength > maxPixels) {
      throw new ImageException(
          Kind.CORRUPT,
          "TIFF tiles of "
              + tileWidth
              + "x"
              + tileLength
              + " do not fit its image of "
              + width
              + "x"
              + height);
    }
  }

  /**
   * The reader allocates each strip's or tile's byte count before it reads: a count past the end of
   * the file is an allocation of up to 4 GB from a few hundred bytes. A few kilobytes past it are
   * let through, for writers that round the last strip up.
   */
  private static void checkStrips(byte[] b, long[] offsets, long[] counts) throws ImageException {
    if (offsets == null || counts == null) {
      return;
    }
    for (int i = 0; i < Math.min(offsets.length, counts.length); i++) {
      if (offsets[i] + counts[i] > b.length + STRIP_SLACK) {
        throw new ImageException(
            Kind.CORRUPT,
            "TIFF strip or tile "
                + i
                + " of "
                + counts[i]
                + " bytes at byte "
                + offsets[i]
                + " runs past the end of the file ("
                + b.length
                + " bytes)");
      }
    }
  }

  private static final long STRIP_SLACK = 4096;

  /**
   * The SHORT or LONG values of the directory entry at {@code at}, inline or where its offset
   * points; null for another type or values that are not all in the file.
   */
  private static long[] tiffValues(byte[] b, int at, boolean little) {
    int type = u16(b, at + 2, little);
    long count = u32(b, at + 4, little);
    int size = type == 3 ? 2 : type == 4 ? 4 : 0;
    if (size == 0 || count < 1 || count * size > b.length) {
      return null;
    }
    long start = count * size <= 4 ? at + 8 : u32(b, at + 8, little);
    if (start + count * size > b.length) {
      return null;
    }
    long[] values = new long[(int) count];
    for (int i = 0; i < values.length; i++) {
      int p = (int) start + i * size;
      values[i] = size == 2 ? u16(b, p, little) : u32(b, p, little);
    }
    return values;
  }

  private static void webp(byte[] b, long maxPixels) throws ImageException {
    long canvasWidth = 0;
    long canvasHeight = 0;
    int at = 12;
    while (at + 8 <= b.length) {
      String fourcc = new String(b, at, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      long size = le32(b, at + 4);
      int data = at + 8;
      if (fourcc.equals("VP8X") && data + 10 <= b.length) {
        canvasWidth = le24(b, data + 4) + 1;
        canvasHeight = le24(b, data + 7) + 1;
      } else if (fourcc.equals("VP8 ") && data + 10 <= b.length) {
        frame(
            canvasWidth,
            canvasHeight,
            le16(b, data + 6) & 0x3FFF,
            le16(b, data + 8) & 0x3FFF,
            maxPixels);
      } else if (fourcc.equals("VP8L") && data + 5 <= b.length && (b[data] & 0xFF) == 0x2F) {
        long bits = le32(b, data + 1);
        frame(
            canvasWidth, canvasHeight, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, maxPixels);
      }
      long next = data + size + (size & 1);
      if (next > Integer.MAX_VALUE - 8) {
        return;
      }
      at = (int) next;
    }
  }

  private static void frame(long canvasW, long canvasH, long w, long h, long maxPixels)
      throws ImageException {
    if (w * h > maxPixels) {
      throw new ImageException(
          Kind.TOO_LARGE,
          "WebP frame of "
              + w
              + "x"
              + h
              + " = "
              + w * h
              + " pixels, above the limit of "
              + maxPixels
              + " (image-filter.max-pixels)");
    }
    if (canvasW > 0 && (w > canvasW || h > canvasH)) {
      throw new ImageException(
          Kind.CORRUPT,
          "WebP frame of "
              + w
              + "x"
              + h
              + " is larger than its canvas of "
              + canvasW
              + "x"
              + canvasH);
    }
  }
}
