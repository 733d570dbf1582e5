package dev.forkline.workers.image.codec;

import static dev.forkline.workers.image.Bytes.be32;
import static dev.forkline.workers.image.Bytes.le16;
import static dev.forkline.workers.image.Bytes.le32;

import dev.forkline.workers.image.ImageException;
import dev.forkline.workers.image.ImageException.Kind;

/**
 * Reads an ICO file's directory and each entry's own header (PNG IHDR or BITMAPINFOHEADER) for the
 * pixel count, before Commons Imaging decodes it: the directory's byte-sized widths cannot be
 * trusted, an embedded PNG can claim any size.
 */
final class IcoHeader {
  private IcoHeader() {}

  /** The sum of width x height over the entries, as their own headers declare. */
  static long totalPixels(byte[] b) throws ImageException {
    if (b.length < 6) {
      throw new ImageException(Kind.CORRUPT, "truncated ICO header");
    }
    int count = le16(b, 4);
    if (count == 0) {
      throw new ImageException(Kind.CORRUPT, "ICO with no images");
    }
    if (6 + 16L * count > b.length) {
      throw new ImageException(Kind.CORRUPT, "truncated ICO directory of " + count + " entries");
    }
    long total = 0;
    for (int i = 0; i < count; i++) {
      int entry = 6 + 16 * i;
      long offset = le32(b, entry + 12);
      if (offset + 24 > b.length) {
        throw new ImageException(Kind.CORRUPT, "ICO entry " + i + " points past the end");
      }
      int at = (int) offset;
      long w;
      long h;
      if ((b[at] & 0xFF) == 0x89 && b[at + 1] == 'P' && b[at + 2] == 'N' && b[at + 3] == 'G') {
        w = be32(b, at + 16);
        h = be32(b, at + 20);
      } else {
        // Signed, as decoders read them; in long, so that -2^31 stays 2^31 and counts as such.
        w = Math.abs((long) (int) le32(b, at + 4));
        h = Math.abs((long) (int) le32(b, at + 8)) / 2; // the XOR and AND masks, stacked
      }
      total = Math.min(total + w * h, 1L << 62); // w, h < 2^32: no overflow
    }
    return total;
  }
}
