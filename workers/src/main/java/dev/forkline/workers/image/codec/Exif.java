package dev.forkline.workers.image.codec;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A small reader of TIFF-structured EXIF blocks: the few tags {@link ImageMetadata} reports, and an
 * in-place patch of the Orientation tag. Our own rather than a library's so that every offset is
 * bounds-checked and a broken block only loses metadata.
 *
 * <p>Thread-safe: stateless.
 */
final class Exif {
  static final int TAG_ORIENTATION = 0x0112;
  static final int TAG_MAKE = 0x010F;
  static final int TAG_MODEL = 0x0110;
  static final int TAG_EXIF_IFD = 0x8769;
  static final int TAG_GPS_IFD = 0x8825;
  static final int TAG_DATETIME_ORIGINAL = 0x9003;
  static final int GPS_LATITUDE_REF = 1;
  static final int GPS_LATITUDE = 2;
  static final int GPS_LONGITUDE_REF = 3;
  static final int GPS_LONGITUDE = 4;

  static final int SHORT = 3;
  static final int LONG = 4;

  private static final int MAX_ENTRIES = 1000;

  private Exif() {}

  /**
   * Reads the reported tags from a TIFF-structured block.
   *
   * @param tiff the block
   * @param keepRaw whether the result carries {@code tiff} as its raw EXIF block
   * @return the metadata, or {@link ImageMetadata#NONE} if the block or its first IFD is unreadable
   */
  static ImageMetadata read(byte[] tiff, boolean keepRaw) {
    if (tiff == null) {
      return ImageMetadata.NONE;
    }
    try {
      Block b = new Block(tiff);
      int ifd0 = b.ifd0();
      int orientation = 1;
      Entry o = b.find(ifd0, TAG_ORIENTATION);
      if (o != null && (o.type == SHORT || o.type == LONG)) {
        orientation = (int) b.unsigned(o, 0);
      }
      String make = b.ascii(b.find(ifd0, TAG_MAKE));
      String model = b.ascii(b.find(ifd0, TAG_MODEL));
      String taken = null;
      try {
        Entry exifIfd = b.find(ifd0, TAG_EXIF_IFD);
        if (exifIfd != null) {
          taken = b.ascii(b.find((int) b.unsigned(exifIfd, 0), TAG_DATETIME_ORIGINAL));
        }
      } catch (RuntimeException brokenSubIfd) {
        taken = null;
      }
      Double lat = null;
      Double lon = null;
      try {
        Entry gps = b.find(ifd0, TAG_GPS_IFD);
        if (gps != null) {
          int gpsIfd = (int) b.unsigned(gps, 0);
          lat =
              b.degrees(
                  b.find(gpsIfd, GPS_LATITUDE), b.ascii(b.find(gpsIfd, GPS_LATITUDE_REF)), 90);
          lon =
              b.degrees(
                  b.find(gpsIfd, GPS_LONGITUDE), b.ascii(b.find(gpsIfd, GPS_LONGITUDE_REF)), 180);
          if (lat == null || lon == null) {
            lat = null;
            lon = null;
          }
        }
      } catch (RuntimeException brokenGps) {
        lat = null;
        lon = null;
      }
      return new ImageMetadata(
          orientation, make, model, taken, lat, lon, keepRaw ? tiff.clone() : null);
    } catch (RuntimeException broken) {
      return ImageMetadata.NONE;
    }
  }

  /**
   * A copy of {@code tiff} whose IFD0 Orientation is 1 (for pixels already auto-oriented); the copy
   * unchanged if it has no Orientation tag; null if the block is unreadable (not worth keeping).
   */
  static byte[] withOrientationOne(byte[] tiff) {
    try {
      byte[] copy = tiff.clone();
      Block b = new Block(copy);
      Entry o = b.find(b.ifd0(), TAG_ORIENTATION);
      if (o != null && o.count == 1) {
        if (o.type == SHORT) {
          b.putShort(o.entryAt + 8, 1);
        } else if (o.type == LONG) {
          b.putInt(o.entryAt + 8, 1);
        }
      }
      return copy;
    } catch (RuntimeException broken) {
      return null;
    }
  }

  /** One IFD entry: where it is and what it declares. */
  private record Entry(int entryAt, int type, long count) {}

  /** Bounds-checked access to a TIFF block; any bad offset throws IndexOutOfBoundsException. */
  private static final class Block {
    private final byte[] b;
    private final boolean little;

    Block(byte[] b) {
      this.b = b;
      if (b.length < 8) {
        throw new IndexOutOfBoundsException("EXIF block of " + b.length + " bytes");
      }
      if (b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0) {
        little = true;
      } else if (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42) {
        little = false;
      } else {
        throw new IllegalArgumentException("not a TIFF header");
      }
    }

    int ifd0() {
      return offset(u32(4));
    }

    Entry find(int ifd, int tag) {
      int n = u16(ifd);
      if (n > MAX_ENTRIES) {
        throw new IllegalArgumentException("IFD with " + n + " entries");
      }
      for (int i = 0; i < n; i++) {
        int at = ifd + 2 + 12 * i;
        if (u16(at) == tag) {
          return new Entry(at, u16(at + 2), u32(at + 4));
        }
      }
      return null;
    }

    /** Where an entry's value starts: inline in the entry if it fits in 4 bytes. */
    int valueAt(Entry e) {
      long size = typeSize(e.type) * e.count;
      if (size > b.length) {
        throw new IndexOutOfBoundsException("value of " + size + " bytes");
      }
      int at = size <= 4 ? e.entryAt + 8 : offset(u32(e.entryAt + 8));
      if (at + size > b.length) {
        throw new IndexOutOfBoundsException("value past the end of the block");
      }
      return at;
    }

    long unsigned(Entry e, int index) {
      if (index >= e.count) {
        throw new IndexOutOfBoundsException("value " + index + " of " + e.count);
      }
      int at = valueAt(e);
      return switch (e.type) {
        case SHORT -> u16(at + 2 * index);
        case LONG -> u32(at + 4 * index);
        default -> throw new IllegalArgumentException("not an integer type: " + e.type);
      };
    }

    String ascii(Entry e) {
      if (e == null || (e.type != 2 && e.type != 7 && e.type != 1)) {
        return null;
      }
      int at = valueAt(e);
      int end = at;
      while (end < at + e.count && b[end] != 0) {
        end++;
      }
      String s = new String(b, at, end - at, StandardCharsets.ISO_8859_1).trim();
      return s.isEmpty() ? null : s;
    }

    /** Degrees, minutes, seconds as three RATIONALs, signed by the S/W reference. */
    Double degrees(Entry e, String ref, double limit) {
      if (e == null || e.type != 5 || e.count < 1 || ref == null) {
        return null;
      }
      int at = valueAt(e);
      double value = 0;
      double scale = 1;
      for (int i = 0; i < Math.min(3, e.count); i++) {
        long num = u32(at + 8 * i);
        long den = u32(at + 8 * i + 4);
        if (den == 0) {
          if (num == 0 && i > 0) {
            continue;
          }
          return null;
        }
        value += (double) num / den / scale;
        scale *= 60;
      }
      char r = Character.toUpperCase(ref.charAt(0));
      if (r == 'S' || r == 'W') {
        value = -value;
      } else if (r != 'N' && r != 'E') {
        return null;
      }
      return Math.abs(value) <= limit ? value : null;
    }

    private static long typeSize(int type) {
      return switch (type) {
        case 1, 2, 6, 7 -> 1;
        case 3, 8 -> 2;
        case 4, 9, 11 -> 4;
        case 5, 10, 12 -> 8;
        default -> throw new IllegalArgumentException("unknown TIFF type " + type);
      };
    }

    private int offset(long value) {
      if (value < 8 || value >= b.length) {
        throw new IndexOutOfBoundsException("offset " + value + " outside " + b.length + " bytes");
      }
      return (int) value;
    }

    int u16(int at) {
      Objects.checkFromIndexSize(at, 2, b.length);
      int x = b[at] & 0xFF;
      int y = b[at + 1] & 0xFF;
      return little ? x | y << 8 : x << 8 | y;
    }

    long u32(int at) {
      Objects.checkFromIndexSize(at, 4, b.length);
      long hi = u16(at);
      long lo = u16(at + 2);
      return little ? lo << 16 | hi : hi << 16 | lo;
    }

    void putShort(int at, int v) {
      Objects.checkFromIndexSize(at, 2, b.length);
      if (little) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
      } else {
        b[at] = (byte) (v >> 8);
        b[at + 1] = (byte) v;
      }
    }

    void putInt(int at, int v) {
      Objects.checkFromIndexSize(at, 4, b.length);
      if (little) {
        putShort(at, v & 0xFFFF);
        putShort(at + 2, v >>> 16);
      } else {
        putShort(at, v >>> 16);
        putShort(at + 2, v & 0xFFFF);
      }
    }
  }
}
