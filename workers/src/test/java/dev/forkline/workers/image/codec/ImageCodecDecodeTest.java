package dev.forkline.workers.image.codec;

import static dev.forkline.workers.image.codec.CodecTestImages.fewColours;
import static dev.forkline.workers.image.codec.CodecTestImages.gradient;
import static dev.forkline.workers.image.codec.CodecTestImages.imageIo;
import static dev.forkline.workers.image.codec.CodecTestImages.maxChannelDiff;
import static dev.forkline.workers.image.codec.CodecTestImages.noisy;
import static dev.forkline.workers.image.codec.CodecTestImages.toImage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.image.ImageException;
import dev.forkline.workers.image.Pixels;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.commons.imaging.formats.ico.IcoImageParser;
import org.apache.commons.imaging.formats.pcx.PcxImageParser;
import org.apache.commons.imaging.formats.pnm.PnmImageParser;
import org.junit.jupiter.api.Test;

/** Decoding each format, and each kind of failure. */
class ImageCodecDecodeTest {
  private static final long LIMIT = 10_000_000;

  private static Decoded decode(byte[] data) throws ImageException {
    return ImageCodec.decode(data, LIMIT);
  }

  private static ImageException failure(byte[] data) {
    return assertThrows(ImageException.class, () -> ImageCodec.decode(data, LIMIT));
  }

  // ------------------------------------------------------------ formats

  @Test
  void baselineJpegDecodesWithTwelveMonkeysWithinTolerance() throws Exception {
    Pixels original = gradient(96, 64);
    Decoded d =
        ImageCodec.decodeWithImageIo(
            imageIo(toImage(original, BufferedImage.TYPE_INT_RGB), "jpeg"), "jpeg");
    assertEquals("jpeg", d.format());
    assertEquals("imageio-twelvemonkeys", d.decoder());
    assertFalse(d.pixels().alpha());
    assertTrue(
        maxChannelDiff(original, d.pixels()) <= 12, "diff " + maxChannelDiff(original, d.pixels()));
  }

  @Test
  void progressiveJpegDecodes() throws Exception {
    Pixels original = gradient(80, 48);
    byte[] jpeg = CodecTestImages.progressiveJpeg(toImage(original, BufferedImage.TYPE_INT_RGB));
    assertTrue(containsMarker(jpeg, 0xC2), "the writer made a progressive (SOF2) JPEG");
    Decoded d = decode(jpeg);
    assertEquals(80, d.pixels().width());
    assertTrue(maxChannelDiff(original, d.pixels()) <= 12);
  }

  @Test
  void cmykJpegWithAdobeMarkerDecodesToRgb() throws Exception {
    // Adobe CMYK is stored inverted: 0 = full ink. Left half full cyan, right half no ink.
    WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        cmyk.setPixel(x, y, new int[] {x < 8 ? 0 : 255, 255, 255, 255});
      }
    }
    ImageWriter writer = jdkJpegWriter();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(cmyk, null, null), null);
    }
    byte[] raw = bytes.toByteArray();
    byte[] adobe = {
      (byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0
    };
    ByteArrayOutputStream withAdobe = new ByteArrayOutputStream();
    withAdobe.write(raw, 0, 2);
    withAdobe.writeBytes(adobe);
    withAdobe.write(raw, 2, raw.length - 2);

    Pixels p = decode(withAdobe.toByteArray()).pixels();
    int cyan = p.get(3, 8);
    int white = p.get(12, 8);
    assertTrue((cyan >> 16 & 0xFF) < 60 && (cyan & 0xFF) > 180, Integer.toHexString(cyan));
    assertTrue((white >> 16 & 0xFF) > 230 && (white & 0xFF) > 230, Integer.toHexString(white));
  }

  @Test
  void pngWithAlphaDecodesExactly() throws Exception {
    Pixels original = noisy(33, 21, true);
    Decoded d = decode(imageIo(toImage(original, BufferedImage.TYPE_INT_ARGB), "png"));
    assertEquals("png", d.format());
    assertEquals("imageio", d.decoder());
    assertTrue(d.pixels().alpha());
    assertArrayEquals(original.argb(), d.pixels().argb());
  }

  @Test
  void greyPngGivesStoredSamplesNotLinearisedOnes() throws Exception {
    BufferedImage grey = new BufferedImage(16, 1, BufferedImage.TYPE_BYTE_GRAY);
    for (int x = 0; x < 16; x++) {
      grey.getRaster().setSample(x, 0, 0, x * 17);
    }
    Pixels p = decode(imageIo(grey, "png")).pixels();
    for (int x = 0; x < 16; x++) {
      assertEquals(0xFF000000 | (x * 17) * 0x010101, p.get(x, 0), "x=" + x);
    }
  }

  @Test
  void sixteenBitGreyPngGivesStoredSamplesNotLinearisedOnes() throws Exception {
    BufferedImage grey = new BufferedImage(16, 1, BufferedImage.TYPE_USHORT_GRAY);
    for (int x = 0; x < 16; x++) {
      grey.getRaster().setSample(x, 0, 0, x * 17 * 257);
    }
    grey.getRaster().setSample(15, 0, 0, 40000);
    Pixels p = decode(imageIo(grey, "png")).pixels();
    for (int x = 0; x < 15; x++) {
      assertEquals(0xFF000000 | (x * 17) * 0x010101, p.get(x, 0), "x=" + x);
    }
    assertEquals(0xFF000000 | 156 * 0x010101, p.get(15, 0), "40000 of 65535 is 156 of 255");
  }

  @Test
  void sixteenBitGreyWithAlphaPngKeepsGreyAndAlpha() throws Exception {
    java.awt.image.ComponentColorModel cm =
        new java.awt.image.ComponentColorModel(
            java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY),
            new int[] {16, 16},
            true,
            false,
            java.awt.Transparency.TRANSLUCENT,
            DataBuffer.TYPE_USHORT);
    WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
    raster.setPixel(0, 0, new int[] {40000, 65535});
    raster.setPixel(1, 0, new int[] {65535, 32896});
    Pixels p = decode(imageIo(new BufferedImage(cm, raster, false, null), "png")).pixels();
    assertEquals(0xFF000000 | 156 * 0x010101, p.get(0, 0));
    assertEquals(0x80FFFFFF, p.get(1, 0));
    assertTrue(p.alpha());
  }

  @Test
  void pngWithGammaChunkGivesStoredSamples() throws Exception {
    // gAMA 1/2.2 (45455): what sRGB-ish content declares; the stored samples are what to show.
    Pixels original = gradient(64, 8);
    byte[] png = imageIo(toImage(original, BufferedImage.TYPE_INT_RGB), "png");
    byte[] gama = {0, 0, (byte) 0xB1, (byte) 0x8F};
    Decoded d = decode(CodecTestImages.withPngChunk(png, "gAMA", gama));
    assertArrayEquals(original.argb(), d.pixels().argb());
  }

  @Test
  void palettePngDecodesExactly() throws Exception {
    Pixels original = fewColours(40, 30);
    byte[] png = imageIo(CodecTestImages.toPaletteImage(original), "png");
    assertArrayEquals(original.argb(), decode(png).pixels().argb());
  }

  @Test
  void gifDecodesItsFirstFrameExactly() throws Exception {
    Pixels original = fewColours(40, 30);
    Decoded d = decode(imageIo(CodecTestImages.toPaletteImage(original), "gif"));
    assertEquals("gif", d.format());
    assertArrayEquals(original.argb(), d.pixels().argb());
  }

  @Test
  void bmpDecodesExactly() throws Exception {
    Pixels original = noisy(31, 17, false);
    Decoded d = decode(imageIo(toImage(original, BufferedImage.TYPE_INT_RGB), "bmp"));
    assertEquals("bmp", d.format());
    assertArrayEquals(original.argb(), d.pixels().argb());
  }

  @Test
  void tiffDecodesExactly() throws Exception {
    Pixels original = noisy(31, 17, true);
    Decoded d = decode(imageIo(toImage(original, BufferedImage.TYPE_INT_ARGB), "tiff"));
    assertEquals("tiff", d.format());
    assertArrayEquals(original.argb(), d.pixels().argb());
  }

  @Test
  void webpLossyAndLosslessDecodeWithTwelveMonkeys() throws Exception {
    // 1x1 WebP files (lossy VP8, lossless VP8L), as used by browser feature tests.
    Decoded lossy =
        decode(
            Base64.getDecoder().decode("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA"));
    assertEquals("webp", lossy.format());
    assertEquals("imageio-twelvemonkeys", lossy.decoder());
    assertEquals(1, lossy.pixels().width());
    Decoded lossless =
        decode(Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=="));
    assertEquals(1, lossless.pixels().height());
    assertTrue(lossless.pixels().alpha(), "the lossless sample is transparent");
  }

  @Test
  void icoDecodesWithCommonsImaging() throws Exception {
    Pixels original = noisy(32, 32, false);
    byte[] ico = commons(new IcoImageParser(), original);
    Decoded d = decode(ico);
    assertEquals("ico", d.format());
    assertEquals("commons-imaging", d.decoder());
    assertArrayEquals(original.argb(), d.pixels().argb());
  }

  @Test
  void pnmDecodesWithCommonsImaging() throws Exception {
    Pixels original = noisy(20, 10, false);
    Decoded d = decode(commons(new PnmImageParser(), original));
    assertEquals("pnm", d.format());
    assertArrayEquals(original.argb(), d.pixels().argb());
  }

  @Test
  void pcxDecodesWithCommonsImaging() throws Exception {
    Pixels original = noisy(20, 10, false);
    Decoded d = decode(commons(new PcxImageParser(), original));
    assertEquals("pcx", d.format());
    assertArrayEquals(original.argb(), d.pixels().argb());
  }

  @Test
  void psdDecodesWithCommonsImaging() throws Exception {
    Pixels original = noisy(6, 4, false);
    Decoded d = decode(rawRgbPsd(original));
    assertEquals("psd", d.format());
    assertEquals("commons-imaging", d.decoder());
    assertArrayEquals(original.argb(), d.pixels().argb());
  }

  // ------------------------------------------------------------ failures

  @Test
  void zeroBytesAreCorrupt() {
    assertEquals(ImageException.Kind.CORRUPT, failure(new byte[0]).kind());
  }

  @Test
  void textNamedJpgIsUnsupported() {
    byte[] text = "just some text, saved as photo.jpg\n".getBytes(StandardCharsets.UTF_8);
    assertEquals(ImageException.Kind.UNSUPPORTED, failure(text).kind());
  }

  @Test
  void jpegCutInItsScanDataIsCorrupt() throws Exception {
    byte[] jpeg = imageIo(toImage(noisy(200, 150, false), BufferedImage.TYPE_INT_RGB), "jpeg");
    ImageException e = failure(Arrays.copyOf(jpeg, jpeg.length / 2));
    assertEquals(ImageException.Kind.CORRUPT, e.kind());
    assertTrue(e.getMessage().contains("jpeg"), e.getMessage());
  }

  @Test
  void jpegMissingOnlyItsEndMarkerStillDecodes() throws Exception {
    byte[] jpeg = imageIo(toImage(gradient(64, 48), BufferedImage.TYPE_INT_RGB), "jpeg");
    assertEquals(64, decode(Arrays.copyOf(jpeg, jpeg.length - 2)).pixels().width());
  }

  @Test
  void truncatedPngIsCorrupt() throws Exception {
    byte[] png = imageIo(toImage(noisy(64, 64, false), BufferedImage.TYPE_INT_RGB), "png");
    assertEquals(ImageException.Kind.CORRUPT, failure(Arrays.copyOf(png, png.length / 2)).kind());
  }

  @Test
  void truncatedGifIsCorrupt() throws Exception {
    byte[] gif = imageIo(toImage(fewColours(64, 64), BufferedImage.TYPE_BYTE_INDEXED), "gif");
    assertEquals(ImageException.Kind.CORRUPT, failure(Arrays.copyOf(gif, gif.length / 2)).kind());
  }

  @Test
  void bitFlippedPngHeaderIsCorrupt() throws Exception {
    byte[] png = imageIo(toImage(gradient(8, 8), BufferedImage.TYPE_INT_RGB), "png");
    png[25] ^= 0x04; // IHDR colour type 2 (RGB) -> 6 (RGBA) would be valid; 2 ^ 4 = 6, so flip more
    png[25] ^= 0x01; // -> 7: no such colour type
    assertEquals(ImageException.Kind.CORRUPT, failure(png).kind());
  }

  @Test
  void garbageAfterJpegMagicIsCorrupt() {
    byte[] b = new byte[500];
    new java.util.Random(7).nextBytes(b);
    b[0] = (byte) 0xFF;
    b[1] = (byte) 0xD8;
    b[2] = (byte) 0xFF;
    assertEquals(ImageException.Kind.CORRUPT, failure(b).kind());
  }

  @Test
  void libraryRuntimeExceptionOnTruncatedIcoBecomesCorrupt() throws Exception {
    byte[] ico = commons(new IcoImageParser(), noisy(32, 32, false));
    ImageException e = failure(Arrays.copyOf(ico, ico.length / 2));
    assertEquals(ImageException.Kind.CORRUPT, e.kind());
    assertTrue(e.getMessage().startsWith("cannot decode ico"), e.getMessage());
  }

  @Test
  void hugeDimensionsInATinyPngAreTooLargeBeforeDecoding() throws Exception {
    byte[] png = imageIo(toImage(gradient(1, 1), BufferedImage.TYPE_INT_RGB), "png");
    CodecTestImages.putBe32(png, 16, 60_000);
    CodecTestImages.putBe32(png, 20, 60_000);
    ImageException e = failure(png);
    assertEquals(ImageException.Kind.TOO_LARGE, e.kind());
  }

  @Test
  void hugePnmHeaderIsTooLarge() {
    byte[] pnm = "P6\n100000 100000\n255\n\0\0\0".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(ImageException.Kind.TOO_LARGE, failure(pnm).kind());
  }

  @Test
  void icoWhoseEmbeddedPngClaimsHugeDimensionsIsTooLarge() throws Exception {
    byte[] png = imageIo(toImage(gradient(1, 1), BufferedImage.TYPE_INT_RGB), "png");
    CodecTestImages.putBe32(png, 16, 60_000);
    CodecTestImages.putBe32(png, 20, 60_000);
    ByteArrayOutputStream ico = new ByteArrayOutputStream();
    ico.writeBytes(new byte[] {0, 0, 1, 0, 1, 0}); // reserved, type icon, 1 entry
    ico.writeBytes(new byte[] {0, 0, 0, 0, 1, 0, 32, 0}); // 256x256 claimed, planes, bpp
    ico.writeBytes(le32(png.length));
    ico.writeBytes(le32(22));
    ico.writeBytes(png);
    assertEquals(ImageException.Kind.TOO_LARGE, failure(ico.toByteArray()).kind());
  }

  @Test
  void limitAppliesToSmallImagesToo() throws Exception {
    byte[] png = imageIo(toImage(gradient(20, 20), BufferedImage.TYPE_INT_RGB), "png");
    ImageException e = assertThrows(ImageException.class, () -> ImageCodec.decode(png, 399));
    assertEquals(ImageException.Kind.TOO_LARGE, e.kind());
    assertEquals(400, ImageCodec.decode(png, 400).pixels().argb().length);
  }

  // ------------------------------------------------------------ helpers

  private static byte[] commons(org.apache.commons.imaging.AbstractImageParser<?> parser, Pixels p)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parser.writeImage(toImage(p, BufferedImage.TYPE_INT_ARGB), out, null);
    return out.toByteArray();
  }

  /** A minimal 8-bit RGB PSD: header, three empty sections, raw planar image data. */
  private static byte[] rawRgbPsd(Pixels p) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("8BPS".getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(new byte[] {0, 1, 0, 0, 0, 0, 0, 0, 0, 3}); // version 1, reserved, 3 channels
    CodecTestImages.writeBe32(out, p.height());
    CodecTestImages.writeBe32(out, p.width());
    out.writeBytes(new byte[] {0, 8, 0, 3}); // 8 bits, RGB mode
    CodecTestImages.writeBe32(out, 0); // colour mode data
    CodecTestImages.writeBe32(out, 0); // image resources
    CodecTestImages.writeBe32(out, 0); // layers and masks
    out.writeBytes(new byte[] {0, 0}); // raw image data
    for (int shift = 16; shift >= 0; shift -= 8) {
      for (int v : p.argb()) {
        out.write(v >> shift & 0xFF);
      }
    }
    return out.toByteArray();
  }

  private static byte[] le32(int v) {
    return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
  }

  private static boolean containsMarker(byte[] jpeg, int marker) {
    for (int i = 0; i + 1 < jpeg.length; i++) {
      if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == marker) {
        return true;
      }
    }
    return false;
  }

  private static ImageWriter jdkJpegWriter() {
    var writers = ImageIO.getImageWritersByFormatName("jpeg");
    while (writers.hasNext()) {
      ImageWriter w = writers.next();
      if (w.getClass().getName().startsWith("com.sun.")) {
        return w;
      }
    }
    throw new AssertionError("no JDK JPEG writer");
  }
}
