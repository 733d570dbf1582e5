package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;
import java.util.List;

/**
 * {@code sharpen}: unsharp mask. Per channel R, G, B: {@code v' = v + amount * (v - blurred)},
 * where {@code blurred} is the Gaussian blur of {@code sigma} (default 1.0, greater than 0, at most
 * 100); channels where {@code |v - blurred| < threshold} (0..255, default 0) stay as they are.
 * {@code amount} defaults to 1.0 (0..10). Alpha is kept; the blur runs on premultiplied colour.
 * Immutable and thread-safe.
 */
public final class Sharpen implements Filter {
  static final List<String> PARAMS = List.of("sigma", "amount", "threshold");

  private final double sigma;
  private final double amount;
  private final int threshold;
  private final float[] kernel;

  public Sharpen(double sigma, double amount, int threshold) {
    if (!(sigma > 0 && sigma <= 100)) {
      throw new IllegalArgumentException(
          "sharpen: sigma must be greater than 0 and at most 100, not " + sigma);
    }
    if (!(amount >= 0 && amount <= 10)) {
      throw new IllegalArgumentException("sharpen: amount must be from 0 to 10, not " + amount);
    }
    if (threshold < 0 || threshold > 255) {
      throw new IllegalArgumentException(
          "sharpen: threshold must be from 0 to 255, not " + threshold);
    }
    this.sigma = sigma;
    this.amount = amount;
    this.threshold = threshold;
    this.kernel = FloatImage.gaussian(sigma);
  }

  static Filter parse(Params p) {
    double s = p.number("sigma", 1.0, -Double.MAX_VALUE, Double.MAX_VALUE);
    if (!(s > 0 && s <= 100)) {
      throw p.invalid("sigma", p.string("sigma"), "greater than 0 and at most 100");
    }
    Integer t = p.integer("threshold", 0, 255);
    return new Sharpen(s, p.number("amount", 1.0, 0, 10), t == null ? 0 : t);
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
    int[] src = in.argb();
    int[] out = new int[src.length];
    boolean alpha = in.alpha();
    float amt = (float) amount;
    if (!alpha) {
      if (useNative && NativeFilters.sharpen(in, kernel, amt, threshold, out)) {
        return new Pixels(w, in.height(), out, false);
      }
      FloatImage.convolveOpaque(
          in,
          kernel,
          kernel,
          (y, br, bg, bb) -> {
            for (int x = 0, i = y * w; x < w; x++, i++) {
              int c = src[i];
              int r = channel((c >>> 16) & 0xFF, br[x], amt);
              int g = channel((c >>> 8) & 0xFF, bg[x], amt);
              int b = channel(c & 0xFF, bb[x], amt);
              out[i] = 0xFF000000 | (r << 16) | (g << 8) | b;
            }
          });
      return new Pixels(w, in.height(), out, false);
    }
    FloatImage.convolve(
        in,
        alpha,
        kernel,
        kernel,
        (y, blurred) -> {
          for (int x = 0, i = y * w, p = 0; x < w; x++, i++, p += 4) {
            int c = src[i];
            float ba = blurred[p + 3];
            float f = ba > 0 ? 255f / ba : Float.NaN;
            int r = channel((c >>> 16) & 0xFF, blurred[p] * f, amt);
            int g = channel((c >>> 8) & 0xFF, blurred[p + 1] * f, amt);
            int b = channel(c & 0xFF, blurred[p + 2] * f, amt);
            out[i] = (c & 0xFF000000) | (r << 16) | (g << 8) | b;
          }
        });
    return new Pixels(w, in.height(), out, alpha);
  }

  private int channel(int v, float blurred, float amt) {
    float diff = v - blurred;
    if (Float.isNaN(diff) || Math.abs(diff) < threshold) {
      return v;
    }
    return Colors.clamp(v + amt * diff);
  }

  @Override
  public String describe() {
    return "sharpen sigma="
        + Params.format(sigma)
        + " amount="
        + Params.format(amount)
        + " threshold="
        + threshold;
  }

  @Override
  public String toString() {
    return describe();
  }
}
