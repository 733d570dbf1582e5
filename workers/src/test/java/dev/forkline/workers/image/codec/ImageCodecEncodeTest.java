package dev.forkline.workers.image.codec;

import static dev.forkline.workers.image.codec.CodecTestImages.fewColours;
import static dev.forkline.workers.image.codec.CodecTestImages.gradient;
import static dev.forkline.workers.image.codec.CodecTestImages.maxChannelDiff;
import static dev.forkline.workers.image.codec.CodecTestImages.noisy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.image.Pixels;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Encoding each format, read back by our decoder; format names. */
class ImageCodecEncodeTest {
  private static final long LIMIT = 10_000_000;

  private static Decoded roundTrip(Pixels p, String format, int quality) throws Exception {
    Decoded d = ImageCodec.decode(ImageCodec.encode(p, format, quality, null), LIMIT);
    assertEquals(format, d.format());
    return d;
  }

  @Test
  void pngKeepsPixelsAndAlphaExactly() throws Exception {
    Pixels p = noisy(37, 23, true);
    Decoded d = roundTrip(p, "png", 0);
    assertTrue(d.pixels().alpha());
    assertArrayEquals(p.argb(), d.pixels().argb());
  }

  @Test
  void opaquePngIsWrittenAsRgb() throws Exception {
    byte[] png = ImageCodec.encode(noisy(5, 5, false), "png", 0, null);
    assertEquals(2, png[25], "IHDR colour type 2 (RGB, no alpha)");
    assertFalse(ImageCodec.decode(png, LIMIT).pixels().alpha());
  }

  @Test
  void bmpKeepsOpaquePixelsExactly() throws Exception {
    Pixels p = noisy(31, 17, false);
    assertArrayEquals(p.argb(), roundTrip(p, "bmp", 0).pixels().argb());
  }

  @Test
  void bmpCompositesAlphaOnWhite() throws Exception {
    Pixels p = new Pixels(2, 1, new int[] {0x00000000, 0x80000000}, true);
    Pixels out = roundTrip(p, "bmp", 0).pixels();
    assertEquals(0xFFFFFFFF, out.get(0, 0));
    assertEquals(0xFF7F7F7F, out.get(1, 0));
    assertFalse(out.alpha());
  }

  @Test
  void tiffKeepsPixelsAndAlphaExactly() throws Exception {
    Pixels p = noisy(29, 19, true);
    assertArrayEquals(p.argb(), roundTrip(p, "tiff", 0).pixels().argb());
  }

  @Test
  void gifKeepsUpTo256ColoursExactly() throws Exception {
    Pixels p = fewColours(40, 30);
    assertArrayEquals(p.argb(), roundTrip(p, "gif", 0).pixels().argb());
  }

  @Test
  void gifKeepsFullyTransparentPixels() throws Exception {
    int[] argb = fewColours(8, 8).argb().clone();
    argb[0] = 0x00000000;
    Pixels out = roundTrip(new Pixels(8, 8, argb, true), "gif", 0).pixels();
    assertEquals(0, out.get(0, 0) >>> 24);
    assertEquals(argb[1], out.get(1, 0));
  }

  @Test
  void jpegIsCloseAtQuality85() throws Exception {
    Pixels p = gradient(120, 80);
    Decoded d = roundTrip(p, "jpeg", 85);
    assertTrue(maxChannelDiff(p, d.pixels()) <= 10, "diff " + maxChannelDiff(p, d.pixels()));
  }

  @Test
  void jpegQualityChangesTheSize() throws Exception {
    Pixels p = noisy(64, 64, false);
    int low = ImageCodec.encode(p, "jpeg", 20, null).length;
    int high = ImageCodec.encode(p, "jpeg", 95, null).length;
    assertTrue(high > low * 2, low + " vs " + high);
  }

  @Test
  void aGreyImageIsWrittenAsAOneChannelJpeg() throws Exception {
    int[] argb = new int[64 * 48];
    for (int i = 0; i < argb.length; i++) {
      int v = (i * 7) & 0xFF;
      argb[i] = 0xFF000000 | v << 16 | v << 8 | v;
    }
    byte[] jpeg = ImageCodec.encode(new Pixels(64, 48, argb, false), "jpeg", 85, null);
    javax.imageio.ImageReader reader =
        javax.imageio.ImageIO.getImageReadersByFormatName("jpeg").next();
    reader.setInput(
        javax.imageio.ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(jpeg)));
    assertEquals(1, reader.getRawImageType(0).getNumBands());
    Pixels back = ImageCodec.decode(jpeg, 1L << 20).pixels();
    int p = back.get(10, 10);
    assertEquals((p >> 16) & 0xFF, p & 0xFF, "decoded as grey");
  }

  @Test
  void jpegCompositesAlphaOnWhite() throws Exception {
    Pixels p = new Pixels(16, 16, new int[256], true); // all transparent black
    Pixels out = roundTrip(p, "jpeg", 90).pixels();
    assertTrue((out.get(8, 8) & 0xFF) > 250, Integer.toHexString(out.get(8, 8)));
  }

  @Test
  void jpegQualityOutsideOneToHundredIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> ImageCodec.encode(gradient(2, 2), "jpeg", 0, null));
    assertThrows(
        IllegalArgumentException.class, () -> ImageCodec.encode(gradient(2, 2), "jpeg", 101, null));
  }

  @Test
  void unwritableFormatIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> ImageCodec.encode(gradient(2, 2), "webp", 80, null));
  }

  @Test
  void encodingDoesNotChangeTheCallersPixels() throws Exception {
    Pixels p = noisy(10, 10, true);
    int[] before = p.argb().clone();
    for (String format : ImageCodec.WRITABLE) {
      ImageCodec.encode(p, format, 80, null);
    }
    assertArrayEquals(before, p.argb());
  }

  @Test
  void extensionsAreTheUsualOnes() {
    assertEquals("jpg", ImageCodec.extension("jpeg"));
    assertEquals("tif", ImageCodec.extension("tiff"));
    assertEquals("png", ImageCodec.extension("png"));
    assertThrows(IllegalArgumentException.class, () -> ImageCodec.extension("webp"));
  }

  @Test
  void fastRasterPathsAgreeWithGetRgb() {
    Pixels p = noisy(13, 7, true);
    int[] types = {
      BufferedImage.TYPE_INT_RGB,
      BufferedImage.TYPE_INT_ARGB,
      BufferedImage.TYPE_3BYTE_BGR,
      BufferedImage.TYPE_4BYTE_ABGR,
      BufferedImage.TYPE_BYTE_INDEXED,
      BufferedImage.TYPE_INT_ARGB_PRE,
      BufferedImage.TYPE_USHORT_565_RGB
    };
    for (int type : types) {
      BufferedImage image = CodecTestImages.toImage(p, type);
      int[] expected = image.getRGB(0, 0, 13, 7, null, 0, 13);
      assertArrayEquals(expected, Rasters.toPixels(image).argb(), "type " + type);
    }
  }
}
