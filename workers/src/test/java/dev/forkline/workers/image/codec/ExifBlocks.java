package dev.forkline.workers.image.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** EXIF blocks and containers built by hand for tests, independent of the code under test. */
final class ExifBlocks {
  static final String MAKE = "Canon";
  static final String MODEL = "EOS R5";
  static final String TAKEN = "2024:05:01 12:30:00";

  /** 33 deg 51' 31.56" S, 151 deg 12' 40.68" E. */
  static final double LATITUDE = -(33 + 51 / 60.0 + 31.56 / 3600);

  static final double LONGITUDE = 151 + 12 / 60.0 + 40.68 / 3600;

  /** Where {@link #block}'s IFD0 Orientation entry starts. */
  static final int ORIENTATION_AT = 8 + 2 + 2 * 12;

  /** Where {@link #block}'s GPS IFD starts (its entry count). */
  static final int GPS_IFD_AT = 126;

  /** Where {@link #block}'s latitude rationals start: degrees, minutes, seconds. */
  static final int LATITUDE_AT = 180;

  private ExifBlocks() {}

  static void putInt(byte[] block, ByteOrder order, int at, int value) {
    ByteBuffer.wrap(block).order(order).putInt(at, value);
  }

  static void putShort(byte[] block, ByteOrder order, int at, int value) {
    ByteBuffer.wrap(block).order(order).putShort(at, (short) value);
  }

  /**
   * A TIFF block: IFD0 with Make, Model, Orientation, Exif IFD and GPS IFD pointers; the Exif IFD
   * with DateTimeOriginal; the GPS IFD with latitude and longitude.
   */
  static byte[] block(ByteOrder order, int orientation) {
    ByteBuffer b = ByteBuffer.allocate(228).order(order);
    b.put(order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M');
    b.put(order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M');
    b.putShort((short) 42).putInt(8);
    // IFD0 at 8: 5 entries, ends at 74.
    b.putShort((short) 5);
    entry(b, 0x010F, 2, 6, 74); // Make "Canon\0"
    entry(b, 0x0110, 2, 7, 80); // Model "EOS R5\0"
    b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation);
    b.putShort((short) 0);
    entry(b, 0x8769, 4, 1, 88); // Exif IFD
    entry(b, 0x8825, 4, 1, 126); // GPS IFD
    b.putInt(0);
    b.put(74, (MAKE + "\0").getBytes(StandardCharsets.US_ASCII));
    b.put(80, (MODEL + "\0").getBytes(StandardCharsets.US_ASCII));
    // Exif IFD at 88: 1 entry, ends at 106.
    b.position(88);
    b.putShort((short) 1);
    entry(b, 0x9003, 2, 20, 106);
    b.putInt(0);
    b.put(106, (TAKEN + "\0").getBytes(StandardCharsets.US_ASCII));
    // GPS IFD at 126: 4 entries, ends at 180.
    b.position(126);
    b.putShort((short) 4);
    b.putShort((short) 1).putShort((short) 2).putInt(2).put((byte) 'S').put(new byte[3]);
    entry(b, 2, 5, 3, 180);
    b.putShort((short) 3).putShort((short) 2).putInt(2).put((byte) 'E').put(new byte[3]);
    entry(b, 4, 5, 3, 204);
    b.putInt(0);
    b.position(180);
    b.putInt(33).putInt(1).putInt(51).putInt(1).putInt(3156).putInt(100);
    b.putInt(151).putInt(1).putInt(12).putInt(1).putInt(4068).putInt(100);
    return b.array();
  }

  private static void entry(ByteBuffer b, int tag, int type, int count, int value) {
    b.putShort((short) tag).putShort((short) type).putInt(count).putInt(value);
  }

  /** {@code jpeg} with an APP1 Exif segment right after SOI. */
  static byte[] jpegWithApp1(byte[] jpeg, byte[] tiff) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    int length = 2 + 6 + tiff.length;
    out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (length >> 8), (byte) length});
    out.writeBytes("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(tiff);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  /** An extended (VP8X) WebP holding {@code simpleWebp}'s VP8 chunk and an EXIF chunk. */
  static byte[] webpWithExif(byte[] simpleWebp, int width, int height, byte[] tiff) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes("WEBP".getBytes(StandardCharsets.ISO_8859_1));
    body.writeBytes("VP8X".getBytes(StandardCharsets.ISO_8859_1));
    body.writeBytes(le32(10));
    body.writeBytes(new byte[] {0x08, 0, 0, 0}); // flags: EXIF
    body.writeBytes(Arrays.copyOf(le32(width - 1), 3));
    body.writeBytes(Arrays.copyOf(le32(height - 1), 3));
    body.write(simpleWebp, 12, simpleWebp.length - 12);
    body.writeBytes("EXIF".getBytes(StandardCharsets.ISO_8859_1));
    body.writeBytes(le32(tiff.length));
    body.writeBytes(tiff);
    if (tiff.length % 2 == 1) {
      body.write(0);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("RIFF".getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(le32(body.size()));
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  static byte[] le32(int v) {
    return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
  }

  /** The APPn markers (0xE0..0xEF) before the first scan. */
  static java.util.List<Integer> appMarkers(byte[] jpeg) {
    java.util.List<Integer> markers = new java.util.ArrayList<>();
    int i = 2;
    while (i + 4 <= jpeg.length && (jpeg[i] & 0xFF) == 0xFF) {
      int marker = jpeg[i + 1] & 0xFF;
      if (marker == 0xDA) {
        break;
      }
      if (marker >= 0xE0 && marker <= 0xEF) {
        markers.add(marker);
      }
      i += 2 + ((jpeg[i + 2] & 0xFF) << 8 | (jpeg[i + 3] & 0xFF));
    }
    return markers;
  }
}
