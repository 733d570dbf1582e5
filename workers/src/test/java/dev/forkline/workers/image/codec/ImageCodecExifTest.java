package dev.forkline.workers.image.codec;

import static dev.forkline.workers.image.codec.CodecTestImages.gradient;
import static dev.forkline.workers.image.codec.CodecTestImages.imageIo;
import static dev.forkline.workers.image.codec.CodecTestImages.toImage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.image.Pixels;
import java.awt.image.BufferedImage;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.apache.commons.imaging.formats.tiff.constants.ExifTagConstants;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;
import org.junit.jupiter.api.Test;

/**
 * EXIF: reading from each container, tolerance of broken blocks (hand-built, {@link ExifBlocks}),
 * keep and strip on encode.
 */
class ImageCodecExifTest {
  private static final long LIMIT = 10_000_000;

  private static byte[] plainJpeg() throws Exception {
    return imageIo(toImage(gradient(48, 32), BufferedImage.TYPE_INT_RGB), "jpeg");
  }

  @Test
  void jpegApp1GivesOrientationMakeModelDateAndGps() throws Exception {
    byte[] block = ExifBlocks.block(ByteOrder.LITTLE_ENDIAN, 6);
    ImageMetadata m =
        ImageCodec.decode(ExifBlocks.jpegWithApp1(plainJpeg(), block), LIMIT).metadata();
    assertEquals(6, m.orientation());
    assertEquals(ExifBlocks.MAKE, m.make());
    assertEquals(ExifBlocks.MODEL, m.model());
    assertEquals(ExifBlocks.TAKEN, m.dateTimeOriginal());
    assertEquals(ExifBlocks.LATITUDE, m.latitude(), 1e-9);
    assertEquals(ExifBlocks.LONGITUDE, m.longitude(), 1e-9);
    assertTrue(m.hasExif());
  }

  @Test
  void bigEndianBlockIsReadToo() throws Exception {
    byte[] block = ExifBlocks.block(ByteOrder.BIG_ENDIAN, 8);
    ImageMetadata m =
        ImageCodec.decode(ExifBlocks.jpegWithApp1(plainJpeg(), block), LIMIT).metadata();
    assertEquals(8, m.orientation());
    assertEquals(ExifBlocks.MODEL, m.model());
    assertEquals(ExifBlocks.LATITUDE, m.latitude(), 1e-9);
  }

  @Test
  void jpegWithoutExifHasNoMetadata() throws Exception {
    ImageMetadata m = ImageCodec.decode(plainJpeg(), LIMIT).metadata();
    assertEquals(ImageMetadata.NONE, m);
  }

  @Test
  void brokenExifBlockLeavesMetadataAbsentAndPixelsDecoded() throws Exception {
    byte[] block = ExifBlocks.block(ByteOrder.LITTLE_ENDIAN, 6);
    block[4] = (byte) 0xF0; // IFD0 offset far past the end
    Decoded d = ImageCodec.decode(ExifBlocks.jpegWithApp1(plainJpeg(), block), LIMIT);
    assertEquals(48, d.pixels().width());
    assertEquals(1, d.metadata().orientation());
    assertNull(d.metadata().make());
    assertNull(d.metadata().exif());
  }

  @Test
  void zeroDenominatorInTheDegreesLosesOnlyTheGps() throws Exception {
    byte[] block = ExifBlocks.block(ByteOrder.LITTLE_ENDIAN, 3);
    ExifBlocks.putInt(block, ByteOrder.LITTLE_ENDIAN, ExifBlocks.LATITUDE_AT + 4, 0);
    ImageMetadata m = decode(block);
    assertEquals(3, m.orientation());
    assertEquals(ExifBlocks.MAKE, m.make());
    assertNull(m.latitude());
    assertNull(m.longitude());
  }

  @Test
  void gpsMinutesOfZeroOverZeroCountAsZeroMinutes() throws Exception {
    byte[] block = ExifBlocks.block(ByteOrder.LITTLE_ENDIAN, 1);
    ExifBlocks.putInt(block, ByteOrder.LITTLE_ENDIAN, ExifBlocks.LATITUDE_AT + 8, 0);
    ExifBlocks.putInt(block, ByteOrder.LITTLE_ENDIAN, ExifBlocks.LATITUDE_AT + 12, 0);
    ImageMetadata m = decode(block);
    assertEquals(-(33 + 31.56 / 3600), m.latitude(), 1e-9, "33 deg, 0/0', 31.56\" S");
    assertEquals(ExifBlocks.LONGITUDE, m.longitude(), 1e-9);
  }

  @Test
  void orientationWithCountZeroIsNoOrientationAndKeepsTheRest() throws Exception {
    byte[] block = ExifBlocks.block(ByteOrder.BIG_ENDIAN, 6);
    ExifBlocks.putInt(block, ByteOrder.BIG_ENDIAN, ExifBlocks.ORIENTATION_AT + 4, 0);
    ImageMetadata m = decode(block);
    assertEquals(1, m.orientation());
    assertEquals(ExifBlocks.MAKE, m.make());
    assertEquals(ExifBlocks.MODEL, m.model());
    assertEquals(ExifBlocks.TAKEN, m.dateTimeOriginal());
    assertEquals(ExifBlocks.LATITUDE, m.latitude(), 1e-9);
  }

  @Test
  void brokenGpsDirectoryLosesOnlyTheGps() throws Exception {
    byte[] block = ExifBlocks.block(ByteOrder.LITTLE_ENDIAN, 6);
    ExifBlocks.putShort(block, ByteOrder.LITTLE_ENDIAN, ExifBlocks.GPS_IFD_AT, 0x7000);
    ImageMetadata m = decode(block);
    assertEquals(6, m.orientation());
    assertEquals(ExifBlocks.MODEL, m.model());
    assertEquals(ExifBlocks.TAKEN, m.dateTimeOriginal());
    assertNull(m.latitude());
  }

  @Test
  void orientationOutsideOneToEightIsOne() throws Exception {
    assertEquals(1, decode(ExifBlocks.block(ByteOrder.LITTLE_ENDIAN, 9)).orientation());
  }

  @Test
  void pngExifChunkIsRead() throws Exception {
    byte[] png = imageIo(toImage(gradient(8, 8), BufferedImage.TYPE_INT_RGB), "png");
    byte[] block = ExifBlocks.block(ByteOrder.BIG_ENDIAN, 5);
    ImageMetadata m =
        ImageCodec.decode(CodecTestImages.withPngChunk(png, "eXIf", block), LIMIT).metadata();
    assertEquals(5, m.orientation());
    assertEquals(ExifBlocks.MAKE, m.make());
  }

  @Test
  void webpExifChunkIsRead() throws Exception {
    byte[] block = ExifBlocks.block(ByteOrder.LITTLE_ENDIAN, 7);
    Decoded d = ImageCodec.decode(ExifBlocks.webpWithExif(ONE_PIXEL_WEBP, 1, 1, block), LIMIT);
    assertEquals("webp", d.format());
    assertEquals(7, d.metadata().orientation());
    assertEquals(ExifBlocks.MODEL, d.metadata().model());
  }

  @Test
  void webpExifChunkWithJpegsExifHeaderIsRead() throws Exception {
    byte[] block = ExifBlocks.block(ByteOrder.LITTLE_ENDIAN, 7);
    byte[] prefixed = new byte[6 + block.length];
    System.arraycopy("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), 0, prefixed, 0, 6);
    System.arraycopy(block, 0, prefixed, 6, block.length);
    Decoded d = ImageCodec.decode(ExifBlocks.webpWithExif(ONE_PIXEL_WEBP, 1, 1, prefixed), LIMIT);
    assertEquals(7, d.metadata().orientation());
  }

  @Test
  void aTiffFilesOwnDirectoryGivesFactsButNothingToKeep() throws Exception {
    byte[] tiff = imageIo(toImage(gradient(4, 4), BufferedImage.TYPE_INT_RGB), "tiff");
    ImageMetadata m = ImageCodec.decode(tiff, LIMIT).metadata();
    assertEquals(1, m.orientation());
    assertNull(m.exif());
  }

  @Test
  void keepOnJpegPlacesExifAfterJfif() throws Exception {
    Pixels pixels = gradient(8, 8);
    byte[] out = ImageCodec.encode(pixels, "jpeg", 85, kept(ByteOrder.BIG_ENDIAN, pixels));
    assertEquals(List.of(0xE0, 0xE1), ExifBlocks.appMarkers(out));
    assertEquals(ExifBlocks.MODEL, ImageCodec.decode(out, LIMIT).metadata().model());
  }

  @Test
  void stripOnJpegWritesNoMetadataSegment() throws Exception {
    byte[] block = ExifBlocks.block(ByteOrder.LITTLE_ENDIAN, 6);
    Decoded in = ImageCodec.decode(ExifBlocks.jpegWithApp1(plainJpeg(), block), LIMIT);
    byte[] out = ImageCodec.encode(in.pixels(), "jpeg", 85, null);
    assertFalse(ExifBlocks.appMarkers(out).contains(0xE1));
    assertEquals(ImageMetadata.NONE, ImageCodec.decode(out, LIMIT).metadata());
  }

  @Test
  void keepOnPngWritesAnExifChunkAndTheSamePixels() throws Exception {
    Pixels pixels = gradient(16, 16);
    byte[] out = ImageCodec.encode(pixels, "png", 0, kept(ByteOrder.LITTLE_ENDIAN, pixels));
    Decoded d = ImageCodec.decode(out, LIMIT);
    assertArrayEquals(pixels.argb(), d.pixels().argb());
    assertEquals(ExifBlocks.TAKEN, d.metadata().dateTimeOriginal());
    assertEquals(ExifBlocks.LATITUDE, d.metadata().latitude(), 1e-9);
  }

  @Test
  void keepOnGifDropsExif() throws Exception {
    Pixels pixels = CodecTestImages.fewColours(8, 8);
    byte[] out = ImageCodec.encode(pixels, "gif", 0, kept(ByteOrder.BIG_ENDIAN, pixels));
    assertEquals(ImageMetadata.NONE, ImageCodec.decode(out, LIMIT).metadata());
  }

  @Test
  void exifTooBigForOneApp1SegmentIsDropped() throws Exception {
    Pixels pixels = gradient(8, 8);
    TiffOutputSet big = kept(ByteOrder.BIG_ENDIAN, pixels);
    big.getExifDirectory().add(ExifTagConstants.EXIF_TAG_USER_COMMENT, "x".repeat(70_000));
    byte[] out = ImageCodec.encode(pixels, "jpeg", 85, big);
    assertFalse(ExifBlocks.appMarkers(out).contains(0xE1));
    assertNotNull(ImageCodec.decode(out, LIMIT).pixels());
  }

  private static final byte[] ONE_PIXEL_WEBP =
      Base64.getDecoder().decode("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA");

  /** The facts of {@code block} in a JPEG's APP1 segment. */
  private static ImageMetadata decode(byte[] block) throws Exception {
    return ImageCodec.decode(ExifBlocks.jpegWithApp1(plainJpeg(), block), LIMIT).metadata();
  }

  /** What {@code keep} writes of the test block for {@code output}, the pixels not turned. */
  private static TiffOutputSet kept(ByteOrder order, Pixels output) throws Exception {
    return ExifBlock.read(ExifBlocks.block(order, 6)).forOutput(output, false, true);
  }
}
