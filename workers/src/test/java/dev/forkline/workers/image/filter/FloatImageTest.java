package dev.forkline.workers.image.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forkline.workers.image.Pixels;
import org.junit.jupiter.api.Test;

class FloatImageTest {

  @Test
  void opaqueConvolutionInPlanesGivesTheSameFloatsAsTheFourChannelOne() {
    // Wider and taller than the kernels (the ring wraps, the edges clamp) and narrower than them.
    for (int[] size : new int[][] {{37, 23}, {3, 2}, {2, 9}}) {
      Pixels in = Images.smooth(size[0], size[1]);
      for (int i = 0; i < in.argb().length; i += 7) {
        in.argb()[i] ^= 0x00A05A33;
      }
      float[] kx = FloatImage.gaussian(1.3);
      float[] ky = FloatImage.gaussian(0.8);
      int w = in.width();
      float[][] four = new float[in.height()][];
      FloatImage.convolve(in, false, kx, ky, (y, row) -> four[y] = row.clone());
      FloatImage.convolveOpaque(
          in,
          kx,
          ky,
          (y, r, g, b) -> {
            for (int x = 0; x < w; x++) {
              float[] rgb = {r[x], g[x], b[x]};
              for (int c = 0; c < 3; c++) {
                assertEquals(four[y][x * 4 + c], rgb[c], 0f, "x=" + x + " y=" + y);
              }
            }
          });
    }
  }
}
