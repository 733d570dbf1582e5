package dev.forkline.workers.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageProbeTest {
  private final ImageProbe probe = new ImageProbe(1_000_000);

  private static byte[] encode(String format, int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(image, format, out));
    return out.toByteArray();
  }

  @Test
  void readsFormatAndSizeOfEachFormat() throws Exception {
    for (String format : new String[] {"png", "jpeg", "bmp", "gif"}) {
      ImageProbe.Info info = probe.probe(encode(format, 31, 17));
      assertEquals(format, info.format());
      assertEquals(31, info.width());
      assertEquals(17, info.height());
    }
  }

  @Test
  void emptyBytesAreCorrupt() {
    ImageException e = assertThrows(ImageException.class, () -> probe.probe(new byte[0]));
    assertEquals(ImageException.Kind.CORRUPT, e.kind());
  }

  @Test
  void textIsUnsupportedAndNamesItsFirstBytes() {
    ImageException e =
        assertThrows(ImageException.class, () -> probe.probe("hello world".getBytes()));
    assertEquals(ImageException.Kind.UNSUPPORTED, e.kind());
    assertTrue(e.getMessage().contains("68 65 6c 6c 6f"), e.getMessage());
  }

  @Test
  void knownButUndecodableFormatIsNamed() {
    byte[] heif =
        "\0\0\0\030ftypheic\0\0\0\0mif1heic".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    ImageException e = assertThrows(ImageException.class, () -> probe.probe(heif));
    assertEquals(ImageException.Kind.UNSUPPORTED, e.kind());
    assertTrue(e.getMessage().contains("heif"), e.getMessage());
  }

  @Test
  void truncatedHeaderIsCorrupt() throws Exception {
    byte[] png = encode("png", 10, 10);
    byte[] cut = Arrays.copyOf(png, 12);
    ImageException e = assertThrows(ImageException.class, () -> probe.probe(cut));
    assertEquals(ImageException.Kind.CORRUPT, e.kind());
  }

  @Test
  void decompressionBombIsRefusedFromItsHeader() throws Exception {
    // A PNG header claiming 50000 x 50000 pixels, with no pixel data at all.
    byte[] png = encode("png", 1, 1);
    writeInt(png, 16, 50_000);
    writeInt(png, 20, 50_000);
    ImageException e = assertThrows(ImageException.class, () -> probe.probe(png));
    assertEquals(ImageException.Kind.TOO_LARGE, e.kind());
    assertTrue(e.getMessage().contains("50000x50000"), e.getMessage());
  }

  @Test
  void limitMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new ImageProbe(0));
  }

  private static void writeInt(byte[] b, int at, int value) {
    b[at] = (byte) (value >>> 24);
    b[at + 1] = (byte) (value >>> 16);
    b[at + 2] = (byte) (value >>> 8);
    b[at + 3] = (byte) value;
  }
}
