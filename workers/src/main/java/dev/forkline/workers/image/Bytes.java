package dev.forkline.workers.image;

/** Unsigned integers read from image headers, in either byte order; the caller checks bounds. */
public final class Bytes {
  private Bytes() {}

  public static int le16(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
  }

  public static long le24(byte[] b, int at) {
    return le16(b, at) | (long) (b[at + 2] & 0xFF) << 16;
  }

  public static long le32(byte[] b, int at) {
    return (long) le16(b, at) | (long) le16(b, at + 2) << 16;
  }

  public static int be16(byte[] b, int at) {
    return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
  }

  public static long be32(byte[] b, int at) {
    return (long) be16(b, at) << 16 | be16(b, at + 2);
  }

  /** 16 bits, little-endian when {@code little}, else big-endian (a TIFF's II or MM). */
  public static int u16(byte[] b, int at, boolean little) {
    return little ? le16(b, at) : be16(b, at);
  }

  /** 32 bits, little-endian when {@code little}, else big-endian. */
  public static long u32(byte[] b, int at, boolean little) {
    return little ? le32(b, at) : be32(b, at);
  }
}
