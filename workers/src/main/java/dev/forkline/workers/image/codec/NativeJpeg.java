package dev.forkline.workers.image.codec;

import dev.forkline.workers.image.ImageException;
import dev.forkline.workers.image.Pixels;
import dev.forkline.workers.kernel.NativeLibrary;

/**
 * JPEG decoding on the system's libjpeg-turbo through a small JNI library ({@code
 * src/main/c/forkline_jpeg.c}, built into the jar when the build machine has gcc and
 * libjpeg62-turbo-dev). libjpeg-turbo decodes with SIMD what the JDK's bundled libjpeg 6b decodes
 * scalar, two to three times as fast, straight into the ARGB ints without ImageIO's raster copies;
 * and it encodes the colour JPEGs the kernel writes.
 *
 * <p>Same pixels as the ImageIO path: both run libjpeg's exact integer IDCT and its fancy
 * upsampling, so the two agree to within 1 per channel ({@code NativeJpegTest}). It takes only what
 * it decodes like that path: grey or YCbCr/RGB data that libjpeg decodes without a warning (a
 * truncated scan is one), with an embedded ICC profile applied as that path applies it ({@link
 * JpegColour}). Everything else, and every JPEG when the library is missing or {@code
 * FORKLINE_NATIVE_JPEG=0}, decodes with ImageIO.
 *
 * <p>Thread-safe: each call has its own decoder state.
 */
final class NativeJpeg {
  /** The name in the manifest's {@code decoder} column. */
  static final String DECODER = "libjpeg-turbo";

  /** The library, loaded or not; {@code FORKLINE_NATIVE_JPEG=0} turns it off. */
  static final NativeLibrary LIBRARY = NativeLibrary.load("forkline_jpeg", "FORKLINE_NATIVE_JPEG");

  private NativeJpeg() {}

  /**
   * {@code data} decoded, or null when this decoder does not take it (see the class comment) or is
   * not available; the caller then decodes with ImageIO.
   *
   * @throws ImageException {@code CORRUPT} for a progressive JPEG of more than {@link #MAX_SCANS}
   *     scans, which ImageIO would decode as slowly
   */
  static Pixels decode(byte[] data, long maxPixels) throws ImageException {
    return decode(data, maxPixels, MAX_SCANS);
  }

  static Pixels decode(byte[] data, long maxPixels, int maxScans) throws ImageException {
    Scaled scaled = decode(data, maxPixels, maxScans, 1);
    return scaled == null ? null : scaled.pixels();
  }

  /**
   * Pixels decoded at a scale, with the size of the image they were decoded from, and the colour
   * conversion still to apply to them (null: none).
   */
  record Scaled(Pixels pixels, int fullWidth, int fullHeight, JpegColour.Convert pending) {}

  /**
   * {@code data} decoded at 1/{@code denom} of its size (1, 2, 4 or 8) in the DCT, as libjpeg
   * scales: each side {@code ceil(side / denom)}; or null as {@link #decode(byte[], long)}.
   */
  static Scaled decode(byte[] data, long maxPixels, int maxScans, int denom) throws ImageException {
    return decode(data, maxPixels, maxScans, denom, false);
  }

  /**
   * As {@link #decode(byte[], long, int, int)}; with {@code deferColour}, an ICC conversion is left
   * to the caller ({@link Scaled#pending()}), to apply once the pixels are smaller.
   */
  static Scaled decode(byte[] data, long maxPixels, int maxScans, int denom, boolean deferColour)
      throws ImageException {
    JpegColour.Plan colour = LIBRARY.loaded() ? JpegColour.plan(data) : JpegColour.IMAGE_IO;
    if (colour instanceof JpegColour.ImageIo) {
      return null;
    }
    int[] size = new int[4];
    int[] argb = decode0(data, maxPixels, maxScans, denom, size);
    if (argb == null) {
      return null;
    }
    if (size[0] < 0) {
      throw new ImageException(
          ImageException.Kind.CORRUPT,
          "progressive JPEG with more than "
              + maxScans
              + " scans (each one decodes the whole image again; real files have about 10)");
    }
    Pixels pixels = new Pixels(size[0], size[1], argb, false);
    JpegColour.Convert pending = colour instanceof JpegColour.Convert c ? c : null;
    if (pending != null && !deferColour) {
      JpegColour.toSrgb(pixels, pending);
      pending = null;
    }
    return new Scaled(pixels, size[2], size[3], pending);
  }

  /**
   * The most scans a progressive JPEG may have: encoders write about 10; thousands of tiny scans
   * make a few kilobytes cost minutes of CPU (libjpeg-turbo's djpeg takes {@code -maxscans}).
   */
  static final int MAX_SCANS = 500;

  /**
   * Opaque {@code pixels} (alpha is ignored) as a baseline JPEG of {@code quality} 1..100, made
   * with libjpeg's defaults, which are ImageIO's: 4:2:0 chroma, the standard Huffman tables, the
   * same quality scaling. Null when not available or libjpeg failed; the caller then writes with
   * ImageIO.
   */
  static byte[] encode(Pixels pixels, int quality) {
    if (!LIBRARY.loaded()) {
      return null;
    }
    return encode0(pixels.argb(), pixels.width(), pixels.height(), quality);
  }

  private static native int[] decode0(
      byte[] data, long maxPixels, int maxScans, int denom, int[] size);

  private static native byte[] encode0(int[] argb, int width, int height, int quality);
}
