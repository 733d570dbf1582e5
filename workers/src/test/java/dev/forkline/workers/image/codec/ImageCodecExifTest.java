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
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EXIF: reading from each container, tolerance of broken blocks, keep and strip on encode. */
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
    assertArrayEquals(block, m.exif());
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
  void brokenGpsIfdLosesOnlyTheGps() throws Exception {
    byte[] block = ExifBlocks.block(ByteOrder.LITTLE_ENDIAN, 3);
    block[180 + 4] = 0; // latitude degrees denominator 0
    block[180 + 5] = 0;
    block[180 + 6] = 0;
    block[180 + 7] = 0;
    ImageMetadata m = Exif.read(block, true);
    assertEquals(3, m.orientation());
    assertEquals(ExifBlocks.MAKE, m.make());
    assertNull(m.latitude());
    assertNull(m.longitude());
  }

  @Test
  void orientationOutsideOneToEightIsOne() {
    assertEquals(1, Exif.read(ExifBlocks.block(ByteOrder.LITTLE_ENDIAN, 9), true).orientation());
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
    byte[] lossy =
        Base64.getDecoder().decode("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA");
    byte[] block = ExifBlocks.block(ByteOrder.LITTLE_ENDIAN, 7);
    Decoded d = ImageCodec.decode(ExifBlocks.webpWithExif(lossy, 1, 1, block), LIMIT);
    assertEquals("webp", d.format());
    assertEquals(7, d.metadata().orientation());
    assertEquals(ExifBlocks.MODEL, d.metadata().model());
  }

  @Test
  void keepOnJpegCopiesTheBlockWithOrientationOne() throws Exception {
    byte[] block = ExifBlocks.block(ByteOrder.LITTLE_ENDIAN, 6);
    Decoded in = ImageCodec.decode(ExifBlocks.jpegWithApp1(plainJpeg(), block), LIMIT);
    byte[] out = ImageCodec.encode(in.pixels(), "jpeg", 85, in.metadata().exif());
    ImageMetadata m = ImageCodec.decode(out, LIMIT).metadata();
    assertEquals(1, m.orientation());
    assertEquals(ExifBlocks.TAKEN, m.dateTimeOriginal());
    assertEquals(ExifBlocks.LONGITUDE, m.longitude(), 1e-9);
    assertArrayEquals(ExifBlocks.block(ByteOrder.LITTLE_ENDIAN, 1), m.exif());
    assertEquals(6, block[8 + 2 + 2 * 12 + 8], "the caller's block is not patched");
  }

  @Test
  void keepOnJpegPlacesExifAfterJfif() throws Exception {
    byte[] out =
        ImageCodec.encode(gradient(8, 8), "jpeg", 85, ExifBlocks.block(ByteOrder.BIG_ENDIAN, 1));
    assertEquals(List.of(0xE0, 0xE1), ExifBlocks.appMarkers(out));
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
  void keepOnPngWritesAnExifChunkWithOrientationOne() throws Exception {
    Pixels pixels = gradient(16, 16);
    byte[] out = ImageCodec.encode(pixels, "png", 0, ExifBlocks.block(ByteOrder.BIG_ENDIAN, 6));
    Decoded d = ImageCodec.decode(out, LIMIT);
    assertArrayEquals(pixels.argb(), d.pixels().argb());
    assertEquals(1, d.metadata().orientation());
    assertArrayEquals(ExifBlocks.block(ByteOrder.BIG_ENDIAN, 1), d.metadata().exif());
  }

  @Test
  void keepOnGifDropsExif() throws Exception {
    byte[] out =
        ImageCodec.encode(
            CodecTestImages.fewColours(8, 8), "gif", 0, ExifBlocks.block(ByteOrder.BIG_ENDIAN, 6));
    assertEquals(ImageMetadata.NONE, ImageCodec.decode(out, LIMIT).metadata());
  }

  @Test
  void exifTooBigForOneApp1SegmentIsDropped() throws Exception {
    byte[] big = java.util.Arrays.copyOf(ExifBlocks.block(ByteOrder.BIG_ENDIAN, 1), 70_000);
    byte[] out = ImageCodec.encode(gradient(8, 8), "jpeg", 85, big);
    assertFalse(ExifBlocks.appMarkers(out).contains(0xE1));
    assertNotNull(ImageCodec.decode(out, LIMIT).pixels());
  }

  @Test
  void orientationPatchOfABlockWithoutOrientationChangesNothing() throws Exception {
    byte[] png = imageIo(toImage(gradient(4, 4), BufferedImage.TYPE_INT_RGB), "tiff");
    // A TIFF file is a TIFF block without an Orientation tag.
    assertArrayEquals(png, Exif.withOrientationOne(png));
    assertNull(Exif.withOrientationOne("not a tiff block".getBytes()));
    assertTrue(Exif.read(png, false).exif() == null);
  }
}
