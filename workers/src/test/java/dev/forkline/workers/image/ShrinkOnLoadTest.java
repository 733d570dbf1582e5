package dev.forkline.workers.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.image.codec.JpegSegments;
import dev.forkline.workers.image.filter.Filter;
import dev.forkline.workers.image.filter.Filters;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Shrink-on-load: a JPEG bound for a smaller size is decoded at 1/2, 1/4 or 1/8 in the DCT, and the
 * output stays close to the full-size path's: PSNR of at least {@value #MIN_PSNR} dB over the RGB
 * channels, on real photos (TwelveMonkeys' test suite: cameras, a phone, EXIF orientations).
 * Shrinking to just above the target (no gap) gave 36 to 37 dB on three of them.
 */
class ShrinkOnLoadTest {
  static final double MIN_PSNR = 40;

  private static final TransformKernel KERNEL = new TransformKernel();

  private static List<Filter> chain(String... lines) {
    return java.util.Arrays.stream(lines).map(Filters::parse).toList();
  }

  @Test
  void aPhotoIsDecodedAtTheSmallestScaleThatLeavesTwiceTheTarget() {
    // 4000x3000 to 400 wide is 400x300: 1/4 leaves 1000x750, 1/8 would leave 500x375.
    assertEquals(
        4,
        ShrinkOnLoad.denominator(chain("resize width=400 method=lanczos3"), true, 4000, 3000, 1));
    // to 800 wide: 1/2 leaves 2000x1500; 1/4 would leave 1000 wide, less than twice 800.
    assertEquals(
        2,
        ShrinkOnLoad.denominator(chain("resize width=800 method=lanczos3"), true, 4000, 3000, 1));
  }

  @Test
  void theDenominatorKeepsBothSidesAtOrAboveTheTarget() {
    // 4000x3000 into a 450x450 box (contain): 450x338; 1/4 leaves 1000x750.
    assertEquals(
        4,
        ShrinkOnLoad.denominator(
            chain("resize width=450 height=450 method=lanczos3"), true, 4000, 3000, 1));
    // cover: 600x450; 1/4 leaves 1000 wide, less than twice 600; 1/2 leaves 2000x1500.
    assertEquals(
        2,
        ShrinkOnLoad.denominator(
            chain("resize width=450 height=450 fit=cover method=lanczos3"), true, 4000, 3000, 1));
  }

  @Test
  void aSidewaysPhotoIsMeasuredUpright() {
    // Stored 4000x3000, orientation 6: upright 3000x4000, 400 wide; 1/4 leaves 750, not 800.
    assertEquals(
        2,
        ShrinkOnLoad.denominator(chain("resize width=400 method=lanczos3"), true, 4000, 3000, 6));
    assertEquals(
        4,
        ShrinkOnLoad.denominator(chain("resize width=400 method=lanczos3"), false, 4000, 3000, 6),
        "without auto-orient the stored frame counts");
  }

  @Test
  void onlyAChainThatBeginsWithADownscaleShrinks() {
    assertEquals(
        1,
        ShrinkOnLoad.denominator(
            chain("crop x=0 y=0 width=2000 height=2000", "resize width=100"), true, 4000, 3000, 1));
    assertEquals(1, ShrinkOnLoad.denominator(chain("resize width=8000"), true, 4000, 3000, 1));
    assertEquals(1, ShrinkOnLoad.denominator(chain(), true, 4000, 3000, 1));
    assertEquals(
        2,
        ShrinkOnLoad.denominator(chain("auto-orient", "resize width=1000"), false, 4000, 3000, 1));
  }

  private static byte[] resource(String name) throws Exception {
    try (InputStream in = ShrinkOnLoadTest.class.getResourceAsStream("/" + name)) {
      assertNotNull(in, name + " is on the test class path (imageio-jpeg's tests jar)");
      return in.readAllBytes();
    }
  }

  private static TransformReply transform(byte[] jpeg, boolean shrink, List<String> chain)
      throws Exception {
    byte[] request =
        new TransformRequest(1L << 28, true, chain, "png", 85, MetadataPolicy.STRIP, shrink)
            .encode(jpeg);
    TransformReply reply = TransformReply.decode(KERNEL.apply(request));
    assertTrue(reply.ok(), reply.failureKind() + ": " + reply.failureMessage());
    return reply;
  }

  /** PSNR of b against a over R, G and B, in dB. */
  static double psnr(BufferedImage a, BufferedImage b) {
    assertEquals(a.getWidth(), b.getWidth());
    assertEquals(a.getHeight(), b.getHeight());
    double sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int shift = 0; shift <= 16; shift += 8) {
          int d = ((p >> shift) & 0xFF) - ((q >> shift) & 0xFF);
          sum += d * d;
        }
      }
    }
    double mse = sum / (3.0 * a.getWidth() * a.getHeight());
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255 * 255 / mse);
  }

  @Test
  void aPhotoWithAnRgbProfileConvertedAfterTheResizeStaysCloseToTheFullSizeOne() throws Exception {
    byte[] jpeg =
        JpegSegments.withProfileOf(
            resource("jpeg/exif-jpeg-thumbnail-sony-dsc-p150-inverted-colors.jpg"),
            resource("jpeg/cmm-exception-adobe-rgb.jpg"));
    List<String> chain =
        List.of("resize width=256 method=lanczos3", "sharpen sigma=0.8 amount=0.6");
    TransformReply exact = transform(jpeg, false, chain);
    TransformReply shrunk = transform(jpeg, true, chain);
    assertTrue(shrunk.filtersApplied().startsWith("shrink-on-load 1/"), shrunk.filtersApplied());
    BufferedImage a = ImageIO.read(new ByteArrayInputStream(exact.data()));
    double db = psnr(a, ImageIO.read(new ByteArrayInputStream(shrunk.data())));
    System.out.printf("Adobe RGB photo: %s, PSNR %.1f dB%n", shrunk.filtersApplied(), db);
    assertTrue(db >= MIN_PSNR, "PSNR " + db + " dB, below " + MIN_PSNR);
    TransformReply unconverted = transform(JpegSegments.withoutProfile(jpeg), true, chain);
    double none = psnr(a, ImageIO.read(new ByteArrayInputStream(unconverted.data())));
    assertTrue(none < MIN_PSNR, "the profile matters: " + none + " dB without it");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jpeg/jfif-with-preview-as-second-image.jpg",
        "jpeg/jfif-grayscale-thumbnail.jpg",
        "jpeg/jfif-jfif-and-exif-thumbnail-sharpshot-iphone.jpg",
        "jpeg/xdensity-out-of-range-zero.jpg",
        "exif/Landscape_0.jpg",
        "exif/Landscape_6.jpg",
        "exif/Portrait_5.jpg"
      })
  void theShrunkPathStaysCloseToTheFullSizeOne(String photo) throws Exception {
    byte[] jpeg = resource(photo);
    List<String> chain =
        List.of("resize width=256 method=lanczos3", "sharpen sigma=0.8 amount=0.6");
    TransformReply exact = transform(jpeg, false, chain);
    TransformReply shrunk = transform(jpeg, true, chain);
    assertTrue(shrunk.filtersApplied().startsWith("shrink-on-load 1/"), shrunk.filtersApplied());
    assertTrue(!exact.filtersApplied().contains("shrink-on-load"), exact.filtersApplied());
    assertEquals(exact.widthOut(), shrunk.widthOut());
    assertEquals(exact.heightOut(), shrunk.heightOut());
    assertEquals(exact.source().width(), shrunk.source().width(), "the input's own size");
    double db =
        psnr(
            ImageIO.read(new ByteArrayInputStream(exact.data())),
            ImageIO.read(new ByteArrayInputStream(shrunk.data())));
    System.out.printf("%s: %s, PSNR %.1f dB%n", photo, shrunk.filtersApplied(), db);
    assertTrue(db >= MIN_PSNR, photo + ": PSNR " + db + " dB, below " + MIN_PSNR);
  }
}
