package dev.forkline.workers.image.codec;

import static dev.forkline.workers.image.codec.CodecTestImages.gradient;
import static dev.forkline.workers.image.codec.CodecTestImages.imageIo;
import static dev.forkline.workers.image.codec.CodecTestImages.maxChannelDiff;
import static dev.forkline.workers.image.codec.CodecTestImages.noisy;
import static dev.forkline.workers.image.codec.CodecTestImages.toImage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.image.ImageException;
import dev.forkline.workers.image.Pixels;
import dev.forkline.workers.kernel.NativeLibraries;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The libjpeg-turbo decoder against the ImageIO path on the same bytes. The build makes the library
 * when gcc and libjpeg62-turbo-dev are there ({@code .ci/run} installs them), so these tests expect
 * it.
 */
class NativeJpegTest {
  private static final long LIMIT = 10_000_000;

  @BeforeAll
  static void libraryIsLoaded() {
    NativeLibraries.requireLoaded(NativeJpeg.LIBRARY);
  }

  private static void assertSameAsImageIo(byte[] jpeg) throws Exception {
    Pixels fast = NativeJpeg.decode(jpeg, LIMIT);
    assertNotNull(fast, "decoded natively");
    Pixels reference = ImageCodec.decodeWithImageIo(jpeg, "jpeg").pixels();
    assertEquals(reference.width(), fast.width());
    assertEquals(reference.height(), fast.height());
    int diff = maxChannelDiff(reference, fast);
    assertTrue(diff <= 1, "largest difference per channel to ImageIO: " + diff);
  }

  @Test
  void subsampledColourJpegMatchesImageIo() throws Exception {
    assertSameAsImageIo(
        imageIo(toImage(noisy(333, 201, false), BufferedImage.TYPE_INT_RGB), "jpeg"));
  }

  @Test
  void smoothColourJpegMatchesImageIo() throws Exception {
    assertSameAsImageIo(imageIo(toImage(gradient(640, 360), BufferedImage.TYPE_INT_RGB), "jpeg"));
  }

  @Test
  void greyJpegMatchesImageIoWithEqualChannels() throws Exception {
    byte[] jpeg = imageIo(toImage(noisy(97, 55, false), BufferedImage.TYPE_BYTE_GRAY), "jpeg");
    assertSameAsImageIo(jpeg);
    int p = NativeJpeg.decode(jpeg, LIMIT).argb()[7];
    assertEquals((p >> 16) & 0xFF, p & 0xFF);
    assertEquals((p >> 8) & 0xFF, p & 0xFF);
    assertEquals(0xFF, p >>> 24);
  }

  @Test
  void progressiveJpegMatchesImageIo() throws Exception {
    assertSameAsImageIo(
        CodecTestImages.progressiveJpeg(
            toImage(noisy(160, 120, false), BufferedImage.TYPE_INT_RGB)));
  }

  @Test
  void progressiveJpegWithMoreScansThanTheLimitIsCorruptNotDecodedSlowly() throws Exception {
    byte[] jpeg =
        CodecTestImages.progressiveJpeg(toImage(gradient(64, 48), BufferedImage.TYPE_INT_RGB));
    int scans = 0;
    for (int i = 0; i + 1 < jpeg.length; i++) {
      if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
        scans++;
      }
    }
    assertTrue(scans > 2, "the writer made " + scans + " scans");
    assertNotNull(NativeJpeg.decode(jpeg, LIMIT, scans));
    int limit = scans - 1;
    ImageException e =
        assertThrows(ImageException.class, () -> NativeJpeg.decode(jpeg, LIMIT, limit));
    assertEquals(ImageException.Kind.CORRUPT, e.kind());
    assertTrue(e.getMessage().contains("scans"), e.getMessage());
  }

  @Test
  void codecReportsTheNativeDecoderForAPlainJpeg() throws Exception {
    byte[] jpeg = imageIo(toImage(gradient(64, 48), BufferedImage.TYPE_INT_RGB), "jpeg");
    assertEquals(NativeJpeg.DECODER, ImageCodec.decode(jpeg, LIMIT).decoder());
  }

  @Test
  void truncatedScanIsLeftToImageIo() throws Exception {
    byte[] jpeg = imageIo(toImage(noisy(200, 150, false), BufferedImage.TYPE_INT_RGB), "jpeg");
    assertNull(NativeJpeg.decode(Arrays.copyOf(jpeg, jpeg.length / 2), LIMIT));
  }

  @Test
  void jpegWithAProfileTheJdkRefusesIsLeftToImageIo() throws Exception {
    byte[] jpeg = imageIo(toImage(gradient(32, 32), BufferedImage.TYPE_INT_RGB), "jpeg");
    byte[] withIcc = withSegment(jpeg, 0xE2, "ICC_PROFILE\0\1\1fake profile bytes");
    assertNull(NativeJpeg.decode(withIcc, LIMIT));
    assertNotNull(NativeJpeg.decode(withSegment(jpeg, 0xE2, "MPF\0 not a profile"), LIMIT));
  }

  @Test
  void imageAboveThePixelLimitIsNotDecoded() throws Exception {
    byte[] jpeg = imageIo(toImage(gradient(100, 100), BufferedImage.TYPE_INT_RGB), "jpeg");
    assertNull(NativeJpeg.decode(jpeg, 9_999));
    assertNotNull(NativeJpeg.decode(jpeg, 10_000));
  }

  @Test
  void garbageIsLeftToImageIo() throws Exception {
    // A scan with no frame before it.
    byte[] junk = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 4, 1, 2, 3, 4, 5};
    assertNull(NativeJpeg.decode(junk, LIMIT));
  }

  @Test
  void encodedJpegIsAsFaithfulAsImageIosAtTheSameQuality() throws Exception {
    for (Pixels original : new Pixels[] {gradient(321, 123), noisy(321, 123, false)}) {
      byte[] fast = NativeJpeg.encode(original, 85);
      assertNotNull(fast);
      Pixels a = ImageCodec.decodeWithImageIo(fast, "jpeg").pixels();
      Pixels b = ImageCodec.decodeWithImageIo(imageIoJpeg(original, 85), "jpeg").pixels();
      assertEquals(321, a.width());
      assertEquals(123, a.height());
      double ours = meanChannelDiff(original, a);
      double theirs = meanChannelDiff(original, b);
      assertTrue(
          ours <= theirs * 1.05 + 0.05,
          "mean error per channel: libjpeg-turbo " + ours + ", ImageIO " + theirs);
    }
  }

  private static double meanChannelDiff(Pixels a, Pixels b) {
    long sum = 0;
    for (int i = 0; i < a.argb().length; i++) {
      for (int shift = 0; shift < 24; shift += 8) {
        sum += Math.abs(((a.argb()[i] >> shift) & 0xFF) - ((b.argb()[i] >> shift) & 0xFF));
      }
    }
    return sum / (3.0 * a.argb().length);
  }

  @Test
  void encodeTakesTheQualityItIsGiven() throws Exception {
    Pixels original = noisy(64, 64, false);
    assertTrue(NativeJpeg.encode(original, 95).length > 2 * NativeJpeg.encode(original, 20).length);
  }

  private static byte[] imageIoJpeg(Pixels pixels, int quality) throws Exception {
    javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality / 100f);
      writer.write(
          null,
          new javax.imageio.IIOImage(toImage(pixels, BufferedImage.TYPE_3BYTE_BGR), null, null),
          param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** {@code jpeg} with an APPn segment inserted right after SOI. */
  private static byte[] withSegment(byte[] jpeg, int marker, String payload) {
    byte[] body = payload.getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    out.write(0xFF);
    out.write(marker);
    out.write((body.length + 2) >> 8);
    out.write((body.length + 2) & 0xFF);
    out.write(body, 0, body.length);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }
}
