package dev.forkline.workers.image.codec;

import static dev.forkline.workers.image.codec.CodecTestImages.maxChannelDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.image.Pixels;
import dev.forkline.workers.kernel.NativeLibraries;
import java.io.InputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JPEGs with an embedded ICC profile through the native decoder, against the ImageIO path on the
 * same bytes; the files are real ones from TwelveMonkeys' test suite.
 */
class JpegColourTest {
  private static final long LIMIT = 100_000_000;

  @BeforeAll
  static void libraryIsLoaded() {
    NativeLibraries.requireLoaded(NativeJpeg.LIBRARY);
  }

  static byte[] resource(String name) throws Exception {
    try (InputStream in = JpegColourTest.class.getClassLoader().getResourceAsStream(name)) {
      assertNotNull(in, name + " on the test class path (imageio-jpeg's test jar)");
      return in.readAllBytes();
    }
  }

  private static Pixels imageIo(byte[] jpeg) throws Exception {
    return ImageCodec.decodeWithImageIo(jpeg, "jpeg").pixels();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jpeg/cmm-exception-adobe-rgb.jpg", "jpeg/cmm-exception-corbis-rgb.jpg"})
  void anRgbProfileIsAppliedAsTheImageIoPathAppliesIt(String photo) throws Exception {
    byte[] jpeg = resource(photo);
    assertInstanceOf(JpegColour.Convert.class, JpegColour.plan(jpeg));
    Pixels fast = NativeJpeg.decode(jpeg, LIMIT);
    assertNotNull(fast, "decoded natively");
    Pixels reference = imageIo(jpeg);
    assertTrue(
        maxChannelDiff(reference, fast) <= 1, "to ImageIO: " + maxChannelDiff(reference, fast));
    Pixels unconverted = NativeJpeg.decode(JpegSegments.withoutProfile(jpeg), LIMIT);
    assertTrue(
        maxChannelDiff(reference, unconverted) > 20,
        "the profile matters: " + maxChannelDiff(reference, unconverted));
  }

  @Test
  void aLinearRgbProfileIsConvertedAsImageIoConvertsIt() throws Exception {
    byte[] plain =
        CodecTestImages.imageIo(
            CodecTestImages.toImage(
                CodecTestImages.gradient(320, 200), java.awt.image.BufferedImage.TYPE_INT_RGB),
            "jpeg");
    byte[] profile =
        java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData();
    byte[] jpeg = JpegSegments.withProfile(plain, profile);
    assertInstanceOf(JpegColour.Convert.class, JpegColour.plan(jpeg));
    Pixels fast = NativeJpeg.decode(jpeg, LIMIT);
    assertNotNull(fast, "decoded natively");
    assertTrue(
        maxChannelDiff(imageIo(jpeg), fast) <= 1,
        "to ImageIO: " + maxChannelDiff(imageIo(jpeg), fast));
    assertTrue(maxChannelDiff(NativeJpeg.decode(plain, LIMIT), fast) > 20, "the profile matters");
  }

  /** A profile header claiming {@code size} bytes, followed by a few of them. */
  private static byte[] profileClaiming(long size) {
    byte[] profile = new byte[128 + 64];
    java.nio.ByteBuffer.wrap(profile).putInt((int) size);
    System.arraycopy(
        "mntrRGB XYZ ".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, profile, 12, 12);
    System.arraycopy(
        "acsp".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, profile, 36, 4);
    return profile;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void aProfileClaimingMoreThanItsChunksHoldIsHiddenFromImageIo(int chunks) throws Exception {
    byte[] plain = gradientJpeg();
    byte[] jpeg = JpegSegments.withProfile(plain, profileClaiming(0x7FFF_FFF0L), chunks);
    assertInstanceOf(JpegColour.ImageIo.class, JpegColour.plan(jpeg));
    byte[] hidden = JpegColour.withoutIrregularProfile(jpeg);
    assertTrue(hidden != jpeg && hidden.length == jpeg.length, "a copy, the same length");
    assertNull(JpegColour.Header.read(hidden).icc(), "no ICC chunk left");
    Decoded decoded = ImageCodec.decode(jpeg, LIMIT);
    assertEquals("imageio-twelvemonkeys", decoded.decoder());
    assertTrue(
        maxChannelDiff(NativeJpeg.decode(plain, LIMIT), decoded.pixels()) <= 1,
        "decoded as without a profile");
  }

  @ParameterizedTest
  @ValueSource(ints = {0x01, 0x13, 0x80, 0xFF})
  void anOverlongProfileWhoseNameEndsInAnotherByteIsHiddenToo(int end) throws Exception {
    byte[] plain = gradientJpeg();
    byte[] jpeg = JpegSegments.withProfile(plain, profileClaiming(0x7FFF_FFF0L), 1);
    int name = indexOf(jpeg, "ICC_PROFILE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    jpeg[name + 11] = (byte) end;
    byte[] hidden = JpegColour.withoutIrregularProfile(jpeg);
    assertTrue(hidden != jpeg, "a copy");
    assertEquals('X', hidden[name], "the chunk renamed");
    assertEquals("imageio-twelvemonkeys", ImageCodec.decodeWithImageIo(hidden, "jpeg").decoder());
  }

  /**
   * Chunk headers as {seq, count}: a profile's chunks numbered out of the one way ImageIO reads.
   */
  static java.util.stream.Stream<int[][]> irregularNumbering() {
    return java.util.stream.Stream.of(
        new int[][] {{1, 1}, {1, 1}}, // the fuzz finding: a whole profile, then a lying one
        new int[][] {{1, 2}, {1, 2}},
        new int[][] {{1, 2}, {2, 3}},
        new int[][] {{0, 2}, {1, 2}},
        new int[][] {{2, 2}, {3, 2}});
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("irregularNumbering")
  void chunksNumberedIrregularlyAreHiddenFromImageIo(int[][] headers) throws Exception {
    byte[] plain = gradientJpeg();
    byte[] profile =
        java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData();
    byte[] jpeg = JpegSegments.withProfile(plain, profile, 2);
    byte[] name = "ICC_PROFILE\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int first = indexOf(jpeg, name, 0);
    int second = indexOf(jpeg, name, first + 1);
    for (int c = 0; c < 2; c++) {
      int at = (c == 0 ? first : second) + name.length;
      jpeg[at] = (byte) headers[c][0];
      jpeg[at + 1] = (byte) headers[c][1];
    }
    byte[] hidden = JpegColour.withoutIrregularProfile(jpeg);
    assertTrue(hidden != jpeg, "a copy");
    assertEquals('X', hidden[first], "the first chunk renamed");
    assertEquals('X', hidden[second], "the second chunk renamed");
  }

  @Test
  void aWholeProfileInChunksOutOfFileOrderIsLeftAsItIs() throws Exception {
    byte[] plain = gradientJpeg();
    byte[] profile =
        java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData();
    byte[] jpeg = JpegSegments.withProfile(plain, profile, 2);
    byte[] name = "ICC_PROFILE\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int first = indexOf(jpeg, name, 0);
    int second = indexOf(jpeg, name, first + 1);
    jpeg[first + name.length] = 2;
    jpeg[second + name.length] = 1;
    assertTrue(JpegColour.withoutIrregularProfile(jpeg) == jpeg, "the same bytes");
  }

  /** A 96x64 gradient as ImageIO writes a JPEG: no ICC profile. */
  private static byte[] gradientJpeg() throws Exception {
    return CodecTestImages.imageIo(
        CodecTestImages.toImage(
            CodecTestImages.gradient(96, 64), java.awt.image.BufferedImage.TYPE_INT_RGB),
        "jpeg");
  }

  private static int indexOf(byte[] data, byte[] part) {
    return indexOf(data, part, 0);
  }

  private static int indexOf(byte[] data, byte[] part, int from) {
    outer:
    for (int i = from; i + part.length <= data.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (data[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 5})
  void aWholeProfileIsLeftAsItIs(int chunks) throws Exception {
    byte[] plain = gradientJpeg();
    byte[] profile =
        java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData();
    byte[] jpeg = JpegSegments.withProfile(plain, profile, chunks);
    assertTrue(JpegColour.withoutIrregularProfile(jpeg) == jpeg, "the same bytes");
    assertTrue(JpegColour.withoutIrregularProfile(plain) == plain, "no profile: the same bytes");
  }

  @Test
  void anSrgbProfileUnderAnotherNameIsNotConverted() throws Exception {
    byte[] jpeg = resource("jpeg/cmm-exception-srgb.jpg");
    assertInstanceOf(JpegColour.AsDecoded.class, JpegColour.plan(jpeg));
    assertTrue(maxChannelDiff(imageIo(jpeg), NativeJpeg.decode(jpeg, LIMIT)) <= 1);
  }

  @Test
  void aGreyJpegsProfileIsNotAppliedByEitherPath() throws Exception {
    byte[] jpeg = resource("jpeg/gray-sample.jpg");
    assertInstanceOf(JpegColour.AsDecoded.class, JpegColour.plan(jpeg));
    assertTrue(maxChannelDiff(imageIo(jpeg), NativeJpeg.decode(jpeg, LIMIT)) <= 1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jpeg/invalid-icc-duplicate-sequence-numbers-rgb-internal-kodak-srgb-jfif.jpg",
        "jpeg/invalid-icc-single-chunk-bad-sequence-number.jpg",
        "jpeg/corrupted-icc-srgb.jpg",
        "jpeg/exif-empty-icc-profile.jpeg",
        "jpeg/cco-illegalargument-rgb-coated-fogra27.jpg"
      })
  void aProfileThatIsBrokenOrNotRgbIsLeftToImageIo(String photo) throws Exception {
    byte[] jpeg = resource(photo);
    assertNull(NativeJpeg.decode(jpeg, LIMIT));
    assertEquals("imageio-twelvemonkeys", ImageCodec.decode(jpeg, LIMIT).decoder());
  }

  @Test
  void aPhotoShrunkOnLoadLeavesItsConversionForAfterTheResize() throws Exception {
    byte[] jpeg =
        JpegSegments.withProfileOf(
            resource("jpeg/exif-jpeg-thumbnail-sony-dsc-p150-inverted-colors.jpg"),
            resource("jpeg/cmm-exception-adobe-rgb.jpg"));
    Decoded shrunk = ImageCodec.decode(jpeg, LIMIT, (w, h, orientation) -> 4);
    assertEquals(NativeJpeg.DECODER, shrunk.decoder());
    assertTrue(shrunk.shrunk());
    assertNotNull(shrunk.pendingColour());
    Pixels unconverted =
        NativeJpeg.decode(JpegSegments.withoutProfile(jpeg), LIMIT, NativeJpeg.MAX_SCANS, 4)
            .pixels();
    assertEquals(0, maxChannelDiff(unconverted, shrunk.pixels()), "not converted yet");
    Pixels converted = shrunk.pendingColour().apply(shrunk.pixels());
    assertTrue(maxChannelDiff(unconverted, converted) > 20, "converted when asked");
  }

  @Test
  void aPhotoAtItsOwnSizeIsConvertedInTheDecode() throws Exception {
    byte[] jpeg = resource("jpeg/cmm-exception-corbis-rgb.jpg");
    Decoded decoded = ImageCodec.decode(jpeg, LIMIT, (w, h, orientation) -> 1);
    assertNull(decoded.pendingColour());
    assertTrue(maxChannelDiff(imageIo(jpeg), decoded.pixels()) <= 1);
  }
}
