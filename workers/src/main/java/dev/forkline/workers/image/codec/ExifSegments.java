package dev.forkline.workers.image.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Finds the raw EXIF block in a JPEG (APP1 {@code Exif\0\0}), PNG ({@code eXIf}) or WebP ({@code
 * EXIF}) container, and inserts one into a JPEG or PNG we encoded, byte for byte.
 *
 * <p>Thread-safe: stateless. Every method bounds-checks; a malformed container gives null.
 */
final class ExifSegments {
  private static final byte[] EXIF_HEADER = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);

  /** The most EXIF bytes one JPEG APP1 segment holds: 65535 less length field and header. */
  static final int MAX_JPEG_EXIF = 0xFFFF - 2 - EXIF_HEADER.length;

  private ExifSegments() {}

  /** The raw TIFF-structured EXIF block in {@code data} of {@code format}, or null. */
  static byte[] find(byte[] data, String format) {
    try {
      return switch (format) {
        case "jpeg" -> fromJpeg(data);
        case "png" -> fromPng(data);
        case "webp" -> fromWebp(data);
        default -> null;
      };
    } catch (RuntimeException malformed) {
      return null;
    }
  }

  private static byte[] fromJpeg(byte[] b) {
    int start = jpegSegment(b, 0xE1, EXIF_HEADER);
    if (start < 0) {
      return null;
    }
    int end = start - 2 + u16(b, start - 2);
    return Arrays.copyOfRange(b, start + EXIF_HEADER.length, end);
  }

  /** {@link #jpegSegment}: no such segment before the first scan. */
  static final int ABSENT = -1;

  /** {@link #jpegSegment}: the markers before the first scan are broken. */
  static final int MALFORMED = -2;

  /**
   * Where the payload of the first APPn-style segment {@code marker} whose payload starts with
   * {@code header} begins, looking only before the first scan; else {@link #ABSENT} or {@link
   * #MALFORMED}. The segment's length field is the two bytes before the payload.
   */
  static int jpegSegment(byte[] b, int marker, byte[] header) {
    int i = 2;
    while (i + 4 <= b.length) {
      if ((b[i] & 0xFF) != 0xFF) {
        return MALFORMED;
      }
      int m = b[i + 1] & 0xFF;
      if (m == 0xFF) {
        i++;
        continue;
      }
      if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
        i += 2;
        continue;
      }
      if (m == 0xDA || m == 0xD9) {
        return ABSENT;
      }
      int length = u16(b, i + 2);
      int start = i + 4;
      int end = i + 2 + length;
      if (length < 2 || end > b.length) {
        return MALFORMED;
      }
      if (m == marker && startsWith(b, start, header)) {
        return start;
      }
      i = end;
    }
    return MALFORMED;
  }

  private static byte[] fromPng(byte[] b) {
    int i = 8;
    while (i + 12 <= b.length) {
      long length = u32(b, i);
      if (length > b.length - i - 12) {
        return null;
      }
      int start = i + 8;
      if (b[i + 4] == 'e' && b[i + 5] == 'X' && b[i + 6] == 'I' && b[i + 7] == 'f') {
        return withoutExifHeader(b, start, start + (int) length);
      }
      if (b[i + 4] == 'I' && b[i + 5] == 'E' && b[i + 6] == 'N' && b[i + 7] == 'D') {
        return null;
      }
      i = start + (int) length + 4;
    }
    return null;
  }

  private static byte[] fromWebp(byte[] b) {
    int i = 12;
    while (i + 8 <= b.length) {
      long size = u32le(b, i + 4);
      if (size > b.length - i - 8) {
        return null;
      }
      int start = i + 8;
      if (b[i] == 'E' && b[i + 1] == 'X' && b[i + 2] == 'I' && b[i + 3] == 'F') {
        return withoutExifHeader(b, start, start + (int) size);
      }
      i = start + (int) size + (int) (size & 1);
    }
    return null;
  }

  /** Some writers put JPEG's {@code Exif\0\0} header in PNG and WebP chunks too: skip it. */
  private static byte[] withoutExifHeader(byte[] b, int start, int end) {
    if (startsWith(b, start, EXIF_HEADER)) {
      start += EXIF_HEADER.length;
    }
    return Arrays.copyOfRange(b, start, end);
  }

  /**
   * {@code jpeg} with an APP1 Exif segment holding {@code tiff}, placed after SOI and any APP0
   * (JFIF) segment. Returns {@code jpeg} unchanged if {@code tiff} exceeds one segment.
   */
  static byte[] insertIntoJpeg(byte[] jpeg, byte[] tiff) {
    if (tiff.length > MAX_JPEG_EXIF) {
      return jpeg;
    }
    int at = 2;
    if (jpeg.length >= 6 && (jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xE0) {
      at = 4 + u16(jpeg, 4);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + tiff.length + 10);
    out.write(jpeg, 0, at);
    int length = 2 + EXIF_HEADER.length + tiff.length;
    out.write(0xFF);
    out.write(0xE1);
    out.write(length >> 8);
    out.write(length);
    out.writeBytes(EXIF_HEADER);
    out.writeBytes(tiff);
    out.write(jpeg, at, jpeg.length - at);
    return out.toByteArray();
  }

  /** {@code png} with an {@code eXIf} chunk holding {@code tiff} right after IHDR. */
  static byte[] insertIntoPng(byte[] png, byte[] tiff) {
    return insertPngChunk(png, "eXIf", tiff);
  }

  /** {@code png} with a chunk of {@code type} holding {@code data} right after IHDR. */
  static byte[] insertPngChunk(byte[] png, String type, byte[] data) {
    int at = 8 + 8 + 13 + 4; // signature, IHDR length and type, IHDR data, CRC
    ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + data.length + 12);
    out.write(png, 0, at);
    byte[] typeBytes = type.getBytes(StandardCharsets.ISO_8859_1);
    writeU32(out, data.length);
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    writeU32(out, crc.getValue());
    out.write(png, at, png.length - at);
    return out.toByteArray();
  }

  private static void writeU32(ByteArrayOutputStream out, long v) {
    out.write((int) (v >>> 24));
    out.write((int) (v >>> 16));
    out.write((int) (v >>> 8));
    out.write((int) v);
  }

  private static boolean startsWith(byte[] b, int at, byte[] prefix) {
    return at + prefix.length <= b.length
        && Arrays.equals(b, at, at + prefix.length, prefix, 0, prefix.length);
  }

  private static int u16(byte[] b, int at) {
    return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
  }

  private static long u32(byte[] b, int at) {
    return (long) u16(b, at) << 16 | u16(b, at + 2);
  }

  private static long u32le(byte[] b, int at) {
    return (b[at] & 0xFFL)
        | (b[at + 1] & 0xFFL) << 8
        | (b[at + 2] & 0xFFL) << 16
        | (b[at + 3] & 0xFFL) << 24;
  }
}
