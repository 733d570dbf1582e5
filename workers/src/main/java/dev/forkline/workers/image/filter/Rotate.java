package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;
import java.util.List;

/**
 * {@code rotate}: turns the image clockwise by {@code degrees}. Multiples of 90 (including negative
 * ones) move pixels exactly; other angles sample bilinearly on a canvas enlarged to hold the whole
 * turned image, filled with {@code background} ({@code #rrggbb}, {@code #rrggbbaa}, transparent,
 * white, black; default transparent if the image has alpha, else white). Immutable and thread-safe.
 */
public final class Rotate implements Filter {
  static final List<String> PARAMS = List.of("degrees", "background");

  private final double degrees;
  private final Integer background;

  /** A clockwise turn; {@code background} null for the default. */
  public Rotate(double degrees, Integer background) {
    if (!Double.isFinite(degrees) || Math.abs(degrees) > 360) {
      throw new IllegalArgumentException(
          "rotate: degrees must be from -360 to 360, not " + degrees);
    }
    this.degrees = degrees;
    this.background = background;
  }

  static Filter parse(Params p) {
    if (!p.has("degrees")) {
      throw p.error("missing parameter 'degrees' (clockwise, e.g. 90, -90, 180, 12.5)");
    }
    double d = p.number("degrees", null, -360, 360);
    Integer bg = null;
    if (p.has("background")) {
      bg = Colors.parse(p.string("background"));
      if (bg == null) {
        throw p.invalid(
            "background",
            p.string("background"),
            "#rrggbb, #rrggbbaa, transparent, white or black");
      }
    }
    return new Rotate(d, bg);
  }

  @Override
  public Pixels apply(Pixels in) {
    double norm = ((degrees % 360) + 360) % 360;
    if (norm == 0) {
      return AutoOrient.apply(in, 1);
    } else if (norm == 90) {
      return AutoOrient.apply(in, 6);
    } else if (norm == 180) {
      return AutoOrient.apply(in, 3);
    } else if (norm == 270) {
      return AutoOrient.apply(in, 8);
    }
    return bilinear(in, norm, background != null ? background : in.alpha() ? 0 : 0xFFFFFFFF);
  }

  /** Arbitrary clockwise rotation by bilinear sampling on premultiplied colour. */
  static Pixels bilinear(Pixels in, double degrees, int bg) {
    double t = Math.toRadians(degrees);
    double cos = Math.cos(t);
    double sin = Math.sin(t);
    int w = in.width();
    int h = in.height();
    int ow = Math.max(1, (int) Math.ceil(w * Math.abs(cos) + h * Math.abs(sin) - 1e-6));
    int oh = Math.max(1, (int) Math.ceil(w * Math.abs(sin) + h * Math.abs(cos) - 1e-6));
    boolean alpha = in.alpha() || (bg >>> 24) != 0xFF;
    float[] src = FloatImage.unpack(in, true);
    float ba = bg >>> 24;
    float[] bgc = {
      ((bg >>> 16) & 0xFF) * ba / 255f, ((bg >>> 8) & 0xFF) * ba / 255f, (bg & 0xFF) * ba / 255f, ba
    };
    int[] out = new int[ow * oh];
    double cx = ow / 2.0;
    double cy = oh / 2.0;
    float[] acc = new float[4];
    for (int y = 0; y < oh; y++) {
      double dy = y + 0.5 - cy;
      for (int x = 0; x < ow; x++) {
        double dx = x + 0.5 - cx;
        // Inverse of the clockwise turn (y points down), to source pixel-centre coordinates.
        double sx = dx * cos + dy * sin + w / 2.0 - 0.5;
        double sy = -dx * sin + dy * cos + h / 2.0 - 0.5;
        int x0 = (int) Math.floor(sx);
        int y0 = (int) Math.floor(sy);
        float fx = (float) (sx - x0);
        float fy = (float) (sy - y0);
        acc[0] = acc[1] = acc[2] = acc[3] = 0;
        add(src, w, h, x0, y0, (1 - fx) * (1 - fy), bgc, acc);
        add(src, w, h, x0 + 1, y0, fx * (1 - fy), bgc, acc);
        add(src, w, h, x0, y0 + 1, (1 - fx) * fy, bgc, acc);
        add(src, w, h, x0 + 1, y0 + 1, fx * fy, bgc, acc);
        out[y * ow + x] = FloatImage.packOne(acc[0], acc[1], acc[2], acc[3], alpha, true);
      }
    }
    return new Pixels(ow, oh, out, alpha);
  }

  private static void add(
      float[] src, int w, int h, int x, int y, float f, float[] bg, float[] acc) {
    if (f == 0) {
      return;
    }
    float[] from = bg;
    int p = 0;
    if (x >= 0 && y >= 0 && x < w && y < h) {
      from = src;
      p = (y * w + x) * 4;
    }
    acc[0] += f * from[p];
    acc[1] += f * from[p + 1];
    acc[2] += f * from[p + 2];
    acc[3] += f * from[p + 3];
  }

  @Override
  public String describe() {
    return "rotate degrees="
        + Params.format(degrees)
        + (background == null ? "" : " background=" + Colors.format(background));
  }

  @Override
  public String toString() {
    return describe();
  }
}
