package dev.forkline.workers.image.codec;

import java.io.ByteArrayOutputStream;

/** JPEGs with their ICC profile taken out or another one's put in, for the colour tests. */
public final class JpegSegments {
  private JpegSegments() {}

  /** The JPEG with its APP2 ICC_PROFILE segments dropped. */
  public static byte[] withoutProfile(byte[] jpeg) {
    return splice(jpeg, null);
  }

  /** {@code jpeg} with {@code profile} as its one ICC_PROFILE segment, in place of its own. */
  public static byte[] withProfile(byte[] jpeg, byte[] profile) {
    return withProfile(jpeg, profile, 1);
  }

  /**
   * {@code jpeg} with {@code profile} in {@code chunks} ICC_PROFILE segments of near equal size.
   */
  public static byte[] withProfile(byte[] jpeg, byte[] profile, int chunks) {
    byte[] header = "ICC_PROFILE\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream segments = new ByteArrayOutputStream();
    for (int c = 0; c < chunks; c++) {
      int from = profile.length * c / chunks;
      int to = profile.length * (c + 1) / chunks;
      int length = 2 + header.length + 2 + (to - from);
      segments.write(0xFF);
      segments.write(0xE2);
      segments.write(length >> 8);
      segments.write(length & 0xFF);
      segments.writeBytes(header);
      segments.write(c + 1);
      segments.write(chunks);
      segments.write(profile, from, to - from);
    }
    return splice(jpeg, segments.toByteArray());
  }

  /** {@code photo} with the ICC_PROFILE segments of {@code donor} in place of its own. */
  public static byte[] withProfileOf(byte[] photo, byte[] donor) {
    ByteArrayOutputStream segments = new ByteArrayOutputStream();
    walk(
        donor,
        (start, end, icc) -> {
          if (icc) {
            segments.write(donor, start, end - start);
          }
        });
    return splice(photo, segments.toByteArray());
  }

  private static byte[] splice(byte[] jpeg, byte[] profile) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    if (profile != null) {
      out.writeBytes(profile);
    }
    int end =
        walk(
            jpeg,
            (start, stop, icc) -> {
              if (!icc) {
                out.write(jpeg, start, stop - start);
              }
            });
    out.write(jpeg, end, jpeg.length - end);
    return out.toByteArray();
  }

  private interface Segment {
    void accept(int start, int end, boolean icc);
  }

  /** Calls back for each marker segment before the first scan; returns where the scan starts. */
  private static int walk(byte[] b, Segment segment) {
    int i = 2;
    while ((b[i + 1] & 0xFF) != 0xDA) {
      int end = i + 2 + ((b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF));
      boolean icc =
          (b[i + 1] & 0xFF) == 0xE2
              && new String(b, i + 4, 11, java.nio.charset.StandardCharsets.ISO_8859_1)
                  .equals("ICC_PROFILE");
      segment.accept(i, end, icc);
      i = end;
    }
    return i;
  }
}
