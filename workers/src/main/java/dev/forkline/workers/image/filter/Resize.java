package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;
import java.util.List;
import java.util.Locale;

/**
 * {@code resize}: scales to a width, a height, a box ({@code fit} = contain, cover or fill) or by a
 * factor, with Lanczos-3 (default), Catmull-Rom bicubic or bilinear resampling; see {@link
 * Resampler} for the algorithm. Immutable and thread-safe.
 *
 * <p>Parameters: {@code width}, {@code height} (either or both, 1..65535), {@code fit} (only with
 * both; default contain: inside the box, keep the aspect ratio; cover: fill the box and
 * centre-crop; fill: stretch to exactly the box), or {@code scale} (a factor in (0, 100], alone),
 * {@code method} = lanczos3 | bicubic | bilinear, {@code never-enlarge} = true | false (default
 * false: an image smaller than the target keeps its size).
 */
public final class Resize implements Filter {
  static final List<String> PARAMS =
      List.of("width", "height", "fit", "scale", "method", "never-enlarge");
  static final int MAX_SIZE = 65535;

  /** How a width and a height together are met. */
  public enum Fit {
    CONTAIN,
    COVER,
    FILL
  }

  /** The resampling kernel. */
  public enum Method {
    LANCZOS3(Resampler.Kernel.LANCZOS3),
    /** Catmull-Rom (B = 0, C = 0.5). */
    BICUBIC(Resampler.Kernel.BICUBIC),
    BILINEAR(Resampler.Kernel.BILINEAR);

    final Resampler.Kernel kernel;

    Method(Resampler.Kernel kernel) {
      this.kernel = kernel;
    }
  }

  private final int width;
  private final int height;
  private final Fit fit;
  private final double scale;
  private final Method method;
  private final boolean neverEnlarge;

  /**
   * A resize to a width and/or height ({@code 0} = not given) or, if {@code scale > 0}, by a
   * factor.
   */
  public Resize(int width, int height, Fit fit, double scale, Method method, boolean neverEnlarge) {
    if (method == null || fit == null) {
      throw new IllegalArgumentException("resize: fit and method are required");
    }
    if (scale != 0) {
      if (width != 0 || height != 0) {
        throw new IllegalArgumentException("resize: give scale or width/height, not both");
      }
      if (!(scale > 0 && scale <= 100)) {
        throw new IllegalArgumentException("resize: scale must be in (0, 100], not " + scale);
      }
    } else {
      if (width == 0 && height == 0) {
        throw new IllegalArgumentException(
            "resize: needs width, height (or both) or scale; accepted: "
                + String.join(", ", PARAMS));
      }
      if (width < 0 || width > MAX_SIZE || height < 0 || height > MAX_SIZE) {
        throw new IllegalArgumentException(
            "resize: width and height must be from 1 to " + MAX_SIZE);
      }
      if (fit != Fit.CONTAIN && (width == 0 || height == 0)) {
        throw new IllegalArgumentException(
            "resize: fit=" + name(fit) + " needs both width and height");
      }
    }
    this.width = width;
    this.height = height;
    this.fit = fit;
    this.scale = scale;
    this.method = method;
    this.neverEnlarge = neverEnlarge;
  }

  static Filter parse(Params p) {
    Integer w = p.integer("width", 1, MAX_SIZE);
    Integer h = p.integer("height", 1, MAX_SIZE);
    Double s = p.number("scale", null, Double.MIN_VALUE, 100);
    if (s != null && (w != null || h != null)) {
      throw p.error("give scale or width/height, not both");
    }
    if (p.has("fit") && (w == null || h == null)) {
      throw p.error("fit needs both width and height");
    }
    Fit fit =
        Fit.valueOf(
            p.choice("fit", "contain", "contain", "cover", "fill").toUpperCase(Locale.ROOT));
    Method method =
        Method.valueOf(
            p.choice("method", "lanczos3", "lanczos3", "bicubic", "bilinear")
                .toUpperCase(Locale.ROOT));
    return new Resize(
        w == null ? 0 : w,
        h == null ? 0 : h,
        fit,
        s == null ? 0 : s,
        method,
        p.bool("never-enlarge", false));
  }

  /** The most pixels a result can have: the largest Java array. */
  static final long MAX_PIXELS = Integer.MAX_VALUE - 8;

  @Override
  public Pixels apply(Pixels in) {
    return apply(in, in.width(), in.height(), 1);
  }

  /**
   * The size this resize resamples an image of {@code w} x {@code h} to, before a {@code cover}
   * crop: {@code [width, height]}.
   */
  public int[] scaledSize(int w, int h) {
    double sx;
    double sy;
    if (scale != 0) {
      sx = sy = scale;
    } else if (height == 0) {
      sx = sy = (double) width / w;
    } else if (width == 0) {
      sx = sy = (double) height / h;
    } else if (fit == Fit.FILL) {
      sx = (double) width / w;
      sy = (double) height / h;
    } else if (fit == Fit.CONTAIN) {
      sx = sy = Math.min((double) width / w, (double) height / h);
    } else {
      sx = sy = Math.max((double) width / w, (double) height / h);
    }
    if (neverEnlarge) {
      sx = Math.min(sx, 1);
      sy = Math.min(sy, 1);
    }
    return new int[] {size(w, sx, width), size(h, sy, height)};
  }

  /**
   * This resize of an image of {@code w} x {@code h}, from {@code in}, which holds that image
   * decoded at 1/{@code denominator} of its size ({@code ceil(w / denominator)} wide): the output
   * has the size and the sampling positions the whole image would give.
   */
  public Pixels apply(Pixels in, int w, int h, int denominator) {
    int[] scaled = scaledSize(w, h);
    int outW = scaled[0];
    int outH = scaled[1];
    if ((long) outW * outH > MAX_PIXELS) {
      // Each side is capped, the product is not: 65535 x 65535 overflowed an int array's size.
      throw new IllegalArgumentException(
          "the result would be "
              + outW
              + "x"
              + outH
              + " pixels, more than one image can hold ("
              + MAX_PIXELS
              + "); is scale a factor you meant as a percentage? (scale=0.9 is 90 %)");
    }
    Pixels out =
        outW == in.width() && outH == in.height()
            ? new Pixels(outW, outH, in.argb().clone(), in.alpha())
            : Resampler.resize(
                in,
                outW,
                outH,
                method.kernel,
                Resampler.REDUCE_GAP,
                (double) w / denominator / outW,
                (double) h / denominator / outH);
    if (fit == Fit.COVER && width != 0 && height != 0) {
      int cw = Math.min(width, outW);
      int ch = Math.min(height, outH);
      if (cw != outW || ch != outH) {
        out = Crop.cut(out, (outW - cw) / 2, (outH - ch) / 2, cw, ch);
      }
    }
    return out;
  }

  /** {@code n * s} rounded, at least 1; exactly {@code target} when that was the binding side. */
  private static int size(int n, double s, int target) {
    if (target != 0 && Math.abs(n * s - target) < 1e-6) {
      return target;
    }
    return (int) Math.max(1, Math.min(MAX_SIZE, Math.round(n * s)));
  }

  @Override
  public String describe() {
    StringBuilder b = new StringBuilder("resize");
    if (scale != 0) {
      b.append(" scale=").append(Params.format(scale));
    }
    if (width != 0) {
      b.append(" width=").append(width);
    }
    if (height != 0) {
      b.append(" height=").append(height);
    }
    if (width != 0 && height != 0) {
      b.append(" fit=").append(name(fit));
    }
    b.append(" method=").append(method.name().toLowerCase(Locale.ROOT));
    if (neverEnlarge) {
      b.append(" never-enlarge=true");
    }
    return b.toString();
  }

  private static String name(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return describe();
  }
}
