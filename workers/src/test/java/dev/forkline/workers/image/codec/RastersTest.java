package dev.forkline.workers.image.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.forkline.workers.image.Pixels;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class RastersTest {

  @Test
  void threeByteBgrImagesConvertExactlyToTheLastPixel() {
    for (int[] size : new int[][] {{31, 17}, {1, 1}, {2, 1}, {1, 3}}) {
      Pixels original = CodecTestImages.noisy(size[0], size[1], false);
      BufferedImage bgr = CodecTestImages.toImage(original, BufferedImage.TYPE_3BYTE_BGR);
      assertArrayEquals(original.argb(), Rasters.toPixels(bgr).argb());
    }
  }

  @Test
  void bgrCopyForTheJpegWriterHoldsThePixels() {
    Pixels original = CodecTestImages.noisy(29, 13, false);
    BufferedImage bgr = Rasters.bgr(original);
    assertArrayEquals(original.argb(), bgr.getRGB(0, 0, 29, 13, null, 0, 29));
  }
}
