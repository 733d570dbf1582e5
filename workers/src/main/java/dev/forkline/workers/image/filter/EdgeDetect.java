package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;

/**
 * {@code edge-detect}: the Sobel gradient magnitude {@code sqrt(gx^2 + gy^2)} of the Rec. 709 luma,
 * rounded and clamped to 255, as a grey image (alpha kept); edges clamp. No parameters. Immutable
 * and thread-safe.
 */
public final class EdgeDetect implements Filter {
  public static final EdgeDetect INSTANCE = new EdgeDetect();

  private EdgeDetect() {}

  @Override
  public Pixels apply(Pixels in) {
    int w = in.width();
    int h = in.height();
    int[] src = in.argb();
    int[] luma = new int[src.length];
    for (int i = 0; i < src.length; i++) {
      luma[i] = Colors.luma(src[i]);
    }
    int[] out = new int[src.length];
    for (int y = 0; y < h; y++) {
      int up = Math.max(0, y - 1) * w;
      int mid = y * w;
      int down = Math.min(h - 1, y + 1) * w;
      for (int x = 0; x < w; x++) {
        int l = Math.max(0, x - 1);
        int r = Math.min(w - 1, x + 1);
        int gx =
            (luma[up + r] + 2 * luma[mid + r] + luma[down + r])
                - (luma[up + l] + 2 * luma[mid + l] + luma[down + l]);
        int gy =
            (luma[down + l] + 2 * luma[down + x] + luma[down + r])
                - (luma[up + l] + 2 * luma[up + x] + luma[up + r]);
        int m = Colors.clamp(Math.sqrt((double) gx * gx + (double) gy * gy));
        out[mid + x] = (src[mid + x] & 0xFF000000) | (m << 16) | (m << 8) | m;
      }
    }
    return new Pixels(w, h, out, in.alpha());
  }

  @Override
  public String describe() {
    return "edge-detect";
  }

  @Override
  public String toString() {
    return describe();
  }
}
