package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;
import java.util.List;

/**
 * {@code blur}: Gaussian blur of standard deviation {@code sigma} (pixels, greater than 0, at most
 * 100), separable, kernel radius {@code ceil(3 sigma)}, edges clamped; on premultiplied colour when
 * the image has alpha. Immutable and thread-safe.
 */
public final class Blur implements Filter {
  static final List<String> PARAMS = List.of("sigma");

  private final double sigma;
  private final float[] kernel;

  public Blur(double sigma) {
    if (!(sigma > 0 && sigma <= 100)) {
      throw new IllegalArgumentException(
          "blur: sigma must be greater than 0 and at most 100, not " + sigma);
    }
    this.sigma = sigma;
    this.kernel = FloatImage.gaussian(sigma);
  }

  static Filter parse(Params p) {
    if (!p.has("sigma")) {
      throw p.error("missing parameter 'sigma' (greater than 0, at most 100)");
    }
    double s = p.number("sigma", null, -Double.MAX_VALUE, Double.MAX_VALUE);
    if (!(s > 0 && s <= 100)) {
      throw p.invalid("sigma", p.string("sigma"), "greater than 0 and at most 100");
    }
    return new Blur(s);
  }

  @Override
  public Pixels apply(Pixels in) {
    return apply(in, true);
  }

  /**
   * With {@code useNative} false, an opaque image takes the Java loops even where the native ones
   * are.
   */
  Pixels apply(Pixels in, boolean useNative) {
    int w = in.width();
    boolean alpha = in.alpha();
    int[] out = new int[in.argb().length];
    if (!alpha) {
      if (useNative && NativeFilters.blur(in, kernel, out)) {
        return new Pixels(w, in.height(), out, false);
      }
      FloatImage.convolveOpaque(
          in,
          kernel,
          kernel,
          (y, r, g, b) -> {
            for (int x = 0, i = y * w; x < w; x++, i++) {
              out[i] =
                  0xFF000000
                      | Colors.clamp(r[x]) << 16
                      | Colors.clamp(g[x]) << 8
                      | Colors.clamp(b[x]);
            }
          });
      return new Pixels(w, in.height(), out, false);
    }
    FloatImage.convolve(
        in,
        alpha,
        kernel,
        kernel,
        (y, row) -> {
          for (int x = 0, i = y * w, p = 0; x < w; x++, i++, p += 4) {
            out[i] = FloatImage.packOne(row[p], row[p + 1], row[p + 2], row[p + 3], alpha, alpha);
          }
        });
    return new Pixels(w, in.height(), out, alpha);
  }

  @Override
  public String describe() {
    return "blur sigma=" + Params.format(sigma);
  }

  @Override
  public String toString() {
    return describe();
  }
}
