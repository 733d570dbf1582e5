// make-images.java: writes a small, deterministic set of sample images for forkline's demo run:
// 13 files (JPEG, PNG, BMP, GIF, 64x64 up to 1600x1200) in a nested tree, so a run can show that
// its output mirrors the input tree. Two JPEGs carry an EXIF Orientation tag (6 and 3) and are
// stored rotated, so a viewer that applies the tag shows them upright. ImageIO cannot write EXIF,
// so a minimal APP1 segment is put in by hand. Every file is read back and checked at the end.
//
// Run:   java data/make-images.java data/images
// Needs: a JDK 17 or newer, nothing else (Java2D and ImageIO, headless). Fixed seeds: the same
//        JDK with the same fonts writes the same bytes. Exits 1 if a check fails or the folder
//        holds 2 MB or more.

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.MultipleGradientPaint;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

public class MakeImages {
  private static final long SEED = 20241125L;
  private static final float JPEG_QUALITY = 0.85f;
  private static final long MAX_TOTAL_BYTES = 2L * 1024 * 1024;

  /** One file written: where, its stored size, the EXIF orientation it must carry (0: none). */
  record Written(Path rel, int width, int height, int orientation) {}

  /**
   * The look of a sky-and-ground scene: 7 colours (sky top, sky bottom, sun, far hills, near hills,
   * ground top, ground bottom), the sun's place as fractions of width and height, and extras.
   */
  record Scene(
      int[] rgb, double sunX, double sunY, int clouds, boolean lake, boolean trees, boolean barn) {
    Color skyTop() {
      return new Color(rgb[0]);
    }

    Color skyBottom() {
      return new Color(rgb[1]);
    }

    Color sun() {
      return new Color(rgb[2]);
    }

    Color farHills() {
      return new Color(rgb[3]);
    }

    Color nearHills() {
      return new Color(rgb[4]);
    }

    Color groundTop() {
      return new Color(rgb[5]);
    }

    Color groundBottom() {
      return new Color(rgb[6]);
    }
  }

  // Colours, in order: sky top, sky bottom, sun, far hills, near hills, ground top, ground bottom.
  static final Scene SUNSET =
      scene("2b1055 ff9a3c ffe08a 6b3a6e 3d2142 3b2a1a 1c120a", 0.68, 0.55, 3, "");
  static final Scene DAWN_LAKE =
      scene("4a6fa5 f6c6a8 fff3d6 7d8fb3 44557a 2f4d3a 1d3326", 0.30, 0.50, 4, "lake");
  static final Scene NOON_HILLS =
      scene("1e6fd9 bfe3ff fffbe6 7fa7c9 3f7d3a 6aa84f 2f5e22", 0.80, 0.16, 5, "trees");
  static final Scene FARM =
      scene("87a9c9 e9e1c8 fff6d0 9aa68a 7a8a4a b59a4a 6d5a25", 0.22, 0.22, 2, "trees,barn");
  static final Scene ALPINE =
      scene("0f4c81 9cc9ef ffffff dfe8f2 4d6a86 4f7f3f 24401c", 0.15, 0.18, 3, "lake,trees");
  static final Scene DUSK =
      scene("141e46 e06c75 ffd1a1 4b3b6b 2a2140 2e2438 120d18", 0.50, 0.62, 2, "trees");

  static Scene scene(String rgb, double sunX, double sunY, int clouds, String extras) {
    int[] colours = Arrays.stream(rgb.split(" ")).mapToInt(h -> Integer.parseInt(h, 16)).toArray();
    List<String> x = List.of(extras.split(","));
    boolean lake = x.contains("lake");
    return new Scene(colours, sunX, sunY, clouds, lake, x.contains("trees"), x.contains("barn"));
  }

  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Path out = Path.of(args.length > 0 ? args[0] : "data/images");
    List<Written> all = new ArrayList<>();

    all.add(writeScene(out, "landscapes/sunset-valley.jpg", SUNSET, 1600, 1200, 0));
    all.add(writeScene(out, "landscapes/lake-dawn.jpg", DAWN_LAKE, 1024, 768, 0));
    all.add(writeScene(out, "landscapes/hills-noon.jpg", NOON_HILLS, 800, 600, 0));
    all.add(writeScene(out, "landscapes/portrait-exif-orient-6.jpg", ALPINE, 640, 480, 6));
    all.add(writeScene(out, "landscapes/upside-down-exif-orient-3.jpg", DUSK, 640, 480, 3));
    all.add(writeScene(out, "landscapes/archive/2019/old-farm.jpg", FARM, 400, 300, 0));
    all.add(writeScene(out, "landscapes/thumbs/tiny-64.jpg", NOON_HILLS, 64, 64, 0));
    all.add(writeIcon(out, "icons/star-64.png", 64, MakeImages::drawStar));
    all.add(writeIcon(out, "icons/gear-128.png", 128, MakeImages::drawGear));
    all.add(writeIcon(out, "icons/badge-256.png", 256, MakeImages::drawBadge));
    all.add(writeScan(out, "scans/page-001.bmp", 424, 600, false));
    all.add(writeScan(out, "scans/receipt-002.bmp", 240, 360, true));
    all.add(writeLogo(out, "forkline-logo.gif", 240, 160));

    System.exit(check(out, all) ? 0 : 1);
  }

  // ---------------------------------------------------------------- scenes (JPEG)

  /**
   * Draws a scene upright, then stores it rotated as its EXIF orientation says: 6 means "rotate 90
   * degrees clockwise to show", so the pixels are stored turned 90 degrees counter-clockwise; 3
   * means "rotate 180", so they are stored upside down.
   */
  static Written writeScene(Path out, String rel, Scene s, int w, int h, int orientation)
      throws IOException {
    Random rnd = rnd(rel);
    boolean turned = orientation == 6;
    int sw = turned ? h : w;
    int sh = turned ? w : h;
    String caption =
        orientation == 0
            ? name(rel) + "  " + w + "x" + h
            : name(rel) + "  stored " + sw + "x" + sh + ", EXIF orientation " + orientation;
    BufferedImage upright = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(upright);
    drawScene(g, s, w, h, rnd);
    drawLabel(g, w, h, w < 100 ? w + "x" + h : caption);
    g.dispose();

    BufferedImage stored = upright;
    if (orientation != 0) {
      stored = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
      Graphics2D r = stored.createGraphics();
      AffineTransform t = new AffineTransform();
      if (orientation == 6) {
        t.translate(0, w); // upright (x, y) -> stored (y, w - x): 90 degrees counter-clockwise
        t.rotate(-Math.PI / 2);
      } else if (orientation == 3) {
        t.translate(w, h); // upright (x, y) -> stored (w - x, h - y)
        t.rotate(Math.PI);
      } else {
        throw new IllegalArgumentException("orientation " + orientation + " not drawn here");
      }
      r.drawImage(upright, t, null);
      r.dispose();
    }
    byte[] jpeg = encodeJpeg(stored);
    if (orientation != 0) {
      jpeg = withExifOrientation(jpeg, orientation);
    }
    Path file = out.resolve(rel);
    Files.createDirectories(file.getParent());
    Files.write(file, jpeg);
    return new Written(Path.of(rel), sw, sh, orientation);
  }

  static void drawScene(Graphics2D g, Scene s, int w, int h, Random rnd) {
    int horizon = (int) (h * 0.62);
    g.setPaint(new GradientPaint(0, 0, s.skyTop(), 0, horizon, s.skyBottom()));
    g.fillRect(0, 0, w, horizon + 1);

    float sx = (float) (s.sunX() * w);
    float sy = (float) (s.sunY() * h);
    float sr = Math.max(3f, Math.min(w, h) * 0.06f);
    g.setPaint(
        new RadialGradientPaint(
            new Point2D.Float(sx, sy),
            sr * 5,
            new float[] {0f, 0.25f, 1f},
            new Color[] {alpha(s.sun(), 200), alpha(s.sun(), 70), alpha(s.sun(), 0)},
            MultipleGradientPaint.CycleMethod.NO_CYCLE));
    g.fill(new Ellipse2D.Float(sx - sr * 5, sy - sr * 5, sr * 10, sr * 10));
    g.setColor(s.sun());
    g.fill(new Ellipse2D.Float(sx - sr, sy - sr, sr * 2, sr * 2));

    for (int i = 0; i < s.clouds(); i++) {
      drawCloud(g, rnd.nextDouble() * w, h * (0.08 + 0.3 * rnd.nextDouble()), w / 9.0, rnd);
    }

    int groundTop = s.lake() ? (int) (h * 0.70) : horizon;
    drawRidge(g, w, h, horizon - h * 0.16, h * 0.20, s.farHills(), groundTop, rnd);
    drawRidge(g, w, h, horizon - h * 0.04, h * 0.10, s.nearHills(), groundTop, rnd);

    g.setPaint(new GradientPaint(0, groundTop, s.groundTop(), 0, h, s.groundBottom()));
    g.fillRect(0, groundTop, w, h - groundTop);
    if (s.lake()) {
      int lakeTop = (int) (h * 0.72);
      int lakeBottom = (int) (h * 0.90);
      g.setPaint(new GradientPaint(0, lakeTop, s.skyBottom(), 0, lakeBottom, s.skyTop().darker()));
      g.fill(new Ellipse2D.Double(-w * 0.1, lakeTop, w * 1.2, (lakeBottom - lakeTop) * 2));
      g.setColor(alpha(Color.WHITE, 90));
      g.setStroke(new BasicStroke(Math.max(1f, h / 300f)));
      for (int i = 0; i < 14; i++) {
        double y = lakeTop + (h - lakeTop) * 0.05 + rnd.nextDouble() * (h * 0.15);
        double x = sx - w * 0.15 + rnd.nextDouble() * w * 0.3;
        g.draw(new Rectangle2D.Double(x, y, w * (0.02 + 0.05 * rnd.nextDouble()), 0.5));
      }
    }
    if (s.trees()) {
      for (int i = 0; i < 18; i++) {
        double x = rnd.nextDouble() * w;
        if (s.lake()) { // keep the trees on the shores, out of the water
          x = x < w / 2.0 ? x * 0.3 : w - (w - x) * 0.3;
        }
        double y = groundTop + (h - groundTop) * (0.1 + 0.8 * rnd.nextDouble());
        double size = h * (0.04 + 0.06 * (y - groundTop) / (h - groundTop));
        drawTree(g, x, y, size);
      }
    }
    if (s.barn()) {
      drawBarn(g, w * 0.58, groundTop + (h - groundTop) * 0.55, h * 0.22);
    }
  }

  static void drawCloud(Graphics2D g, double cx, double cy, double size, Random rnd) {
    g.setColor(new Color(255, 255, 255, 170));
    int puffs = 4 + rnd.nextInt(3);
    for (int i = 0; i < puffs; i++) {
      double r = size * (0.35 + 0.3 * rnd.nextDouble());
      double x = cx + (i - puffs / 2.0) * size * 0.35;
      double y = cy - r * 0.5 * rnd.nextDouble();
      g.fill(new Ellipse2D.Double(x - r, y - r * 0.6, r * 2, r * 1.2));
    }
  }

  /** A mountain ridge by midpoint displacement, filled down to the ground line. */
  static void drawRidge(
      Graphics2D g, int w, int h, double baseY, double amplitude, Color c, int ground, Random rnd) {
    int n = 64;
    double[] y = new double[n + 1];
    y[0] = baseY + (rnd.nextDouble() - 0.5) * amplitude;
    y[n] = baseY + (rnd.nextDouble() - 0.5) * amplitude;
    double spread = amplitude;
    for (int step = n; step > 1; step /= 2) {
      for (int i = step / 2; i < n; i += step) {
        y[i] = (y[i - step / 2] + y[i + step / 2]) / 2 + (rnd.nextDouble() - 0.5) * spread;
      }
      spread *= 0.55;
    }
    Path2D.Double p = new Path2D.Double();
    p.moveTo(0, ground + 1);
    for (int i = 0; i <= n; i++) {
      p.lineTo(w * (double) i / n, y[i]);
    }
    p.lineTo(w, ground + 1);
    p.closePath();
    g.setPaint(new GradientPaint(0, (float) (baseY - amplitude), c.brighter(), 0, ground, c));
    g.fill(p);
  }

  static void drawTree(Graphics2D g, double x, double y, double size) {
    g.setColor(new Color(0x4a3222));
    g.fill(new Rectangle2D.Double(x - size * 0.06, y - size * 0.2, size * 0.12, size * 0.25));
    Path2D.Double crown = new Path2D.Double();
    crown.moveTo(x, y - size * 1.1);
    crown.lineTo(x + size * 0.35, y - size * 0.15);
    crown.lineTo(x - size * 0.35, y - size * 0.15);
    crown.closePath();
    g.setColor(new Color(0x1f4d1a));
    g.fill(crown);
  }

  static void drawBarn(Graphics2D g, double x, double y, double size) {
    g.setColor(new Color(0x9c2b23));
    g.fill(new Rectangle2D.Double(x, y - size * 0.6, size, size * 0.6));
    Path2D.Double roof = new Path2D.Double();
    roof.moveTo(x - size * 0.08, y - size * 0.6);
    roof.lineTo(x + size * 0.5, y - size * 1.0);
    roof.lineTo(x + size * 1.08, y - size * 0.6);
    roof.closePath();
    g.setColor(new Color(0x4b2e24));
    g.fill(roof);
    g.setColor(new Color(0xf2e8d5));
    g.setStroke(new BasicStroke((float) (size * 0.03)));
    Rectangle2D door =
        new Rectangle2D.Double(x + size * 0.35, y - size * 0.4, size * 0.3, size * 0.4);
    g.draw(door);
    g.draw(new Line2D.Double(door.getMinX(), door.getMinY(), door.getMaxX(), y));
    g.draw(new Line2D.Double(door.getMaxX(), door.getMinY(), door.getMinX(), y));
  }

  // ---------------------------------------------------------------- icons (PNG, transparent)

  interface IconPainter {
    void paint(Graphics2D g, int size);
  }

  static Written writeIcon(Path out, String rel, int size, IconPainter painter) throws IOException {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = graphics(img);
    painter.paint(g, size);
    drawLabel(g, size, size, size < 100 ? size + "x" + size : name(rel) + "  " + size + "x" + size);
    g.dispose();
    write(img, "png", out.resolve(rel));
    return new Written(Path.of(rel), size, size, 0);
  }

  static void drawStar(Graphics2D g, int s) {
    Path2D.Double star = new Path2D.Double();
    for (int i = 0; i < 10; i++) {
      double r = (i % 2 == 0 ? 0.46 : 0.2) * s;
      double a = -Math.PI / 2 + i * Math.PI / 5;
      double x = s / 2.0 + r * Math.cos(a);
      double y = s * 0.47 + r * Math.sin(a);
      if (i == 0) {
        star.moveTo(x, y);
      } else {
        star.lineTo(x, y);
      }
    }
    star.closePath();
    g.setColor(new Color(0, 0, 0, 60));
    g.fill(AffineTransform.getTranslateInstance(s * 0.03, s * 0.04).createTransformedShape(star));
    g.setPaint(
        new RadialGradientPaint(
            s * 0.45f,
            s * 0.38f,
            s * 0.5f,
            new float[] {0f, 1f},
            new Color[] {new Color(0xfff3a0), new Color(0xf0a500)}));
    g.fill(star);
    g.setColor(new Color(0xa86a00));
    g.setStroke(new BasicStroke(Math.max(1f, s / 40f)));
    g.draw(star);
  }

  static void drawGear(Graphics2D g, int s) {
    double c = s / 2.0;
    Area gear = new Area(new Ellipse2D.Double(c - s * 0.33, c - s * 0.33, s * 0.66, s * 0.66));
    for (int i = 0; i < 10; i++) {
      Rectangle2D tooth = new Rectangle2D.Double(c - s * 0.06, c - s * 0.46, s * 0.12, s * 0.2);
      gear.add(
          new Area(
              AffineTransform.getRotateInstance(i * Math.PI / 5, c, c)
                  .createTransformedShape(tooth)));
    }
    gear.subtract(new Area(new Ellipse2D.Double(c - s * 0.13, c - s * 0.13, s * 0.26, s * 0.26)));
    g.setPaint(new GradientPaint(0, 0, new Color(0xc9d3dd), s, s, new Color(0x56697d)));
    g.fill(gear);
    g.setColor(new Color(0x2d3a47));
    g.setStroke(new BasicStroke(s / 64f));
    g.draw(gear);
  }

  static void drawBadge(Graphics2D g, int s) {
    g.setPaint(new GradientPaint(0, 0, new Color(0x43c6ac), 0, s, new Color(0x191654)));
    g.fill(new Ellipse2D.Double(s * 0.06, s * 0.04, s * 0.88, s * 0.88));
    g.setColor(new Color(255, 255, 255, 230));
    g.setStroke(new BasicStroke(s * 0.07f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    Path2D.Double tick = new Path2D.Double();
    tick.moveTo(s * 0.3, s * 0.48);
    tick.lineTo(s * 0.45, s * 0.63);
    tick.lineTo(s * 0.72, s * 0.32);
    g.draw(tick);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, s / 9));
    drawCentered(g, "OK", s / 2, (int) (s * 0.80));
  }

  // ---------------------------------------------------------------- scans (BMP)

  /** A scanned page (8-bit gray) or a till receipt (24-bit colour), with paper grain. */
  static Written writeScan(Path out, String rel, int w, int h, boolean receipt) throws IOException {
    Random rnd = rnd(rel);
    int type = receipt ? BufferedImage.TYPE_3BYTE_BGR : BufferedImage.TYPE_BYTE_GRAY;
    BufferedImage img = new BufferedImage(w, h, type);
    Graphics2D g = graphics(img);
    g.setColor(receipt ? new Color(0xfbf6e4) : new Color(0xf4f4f0));
    g.fillRect(0, 0, w, h);
    g.setColor(new Color(0x222222));
    if (receipt) {
      drawReceipt(g, w, rnd);
    } else {
      drawPage(g, w, h, rnd);
    }
    drawLabel(g, w, h, name(rel) + "  " + w + "x" + h);
    g.dispose();
    for (int y = 0; y < h; y++) { // paper grain: costs nothing in an uncompressed BMP
      for (int x = 0; x < w; x++) {
        int rgb = img.getRGB(x, y);
        int d = (int) (rnd.nextGaussian() * 5);
        int r = clamp((rgb >> 16 & 255) + d);
        int gr = clamp((rgb >> 8 & 255) + d);
        int bl = clamp((rgb & 255) + d);
        img.setRGB(x, y, r << 16 | gr << 8 | bl);
      }
    }
    write(img, "bmp", out.resolve(rel));
    return new Written(Path.of(rel), w, h, 0);
  }

  static void drawPage(Graphics2D g, int w, int h, Random rnd) {
    int margin = w / 10;
    g.setFont(new Font(Font.SERIF, Font.BOLD, w / 16));
    g.drawString("Field Report No. 7", margin, margin + w / 16);
    int y = margin + w / 8;
    int lineGap = Math.max(8, h / 45);
    while (y < h - margin * 2) {
      boolean paragraphEnd = rnd.nextInt(7) == 0;
      int len =
          paragraphEnd ? (int) ((w - 2 * margin) * (0.2 + 0.5 * rnd.nextDouble())) : w - 2 * margin;
      int x = margin;
      while (x < margin + len) { // words as grey bars
        int word = 8 + rnd.nextInt(w / 10);
        g.setColor(new Color(60 + rnd.nextInt(40), 60 + rnd.nextInt(40), 60 + rnd.nextInt(40)));
        g.fillRect(x, y, Math.min(word, margin + len - x), Math.max(2, lineGap / 3));
        x += word + 5;
      }
      y += paragraphEnd ? lineGap * 2 : lineGap;
    }
    g.setColor(new Color(0x777777));
    g.setStroke(new BasicStroke(3f));
    g.draw(new Ellipse2D.Double(w - margin * 3.2, h - margin * 3.4, margin * 2.2, margin * 2.2));
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, w / 30));
    drawCentered(g, "FILED", (int) (w - margin * 2.1), (int) (h - margin * 2.2));
  }

  static void drawReceipt(Graphics2D g, int w, Random rnd) {
    String[] items = {"COFFEE", "CROISSANT", "ORANGE JUICE", "BAGEL", "TEA", "MUFFIN"};
    g.setFont(new Font(Font.MONOSPACED, Font.BOLD, w / 14));
    drawCentered(g, "FORKLINE CAFE", w / 2, w / 8);
    g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, w / 20));
    FontMetrics fm = g.getFontMetrics();
    int y = w / 8 + fm.getHeight() * 2;
    int cents = 0;
    for (int i = 0; i < 6; i++) {
      int price = 150 + rnd.nextInt(450);
      cents += price;
      line(g, fm, items[i], money(price), w, y);
      y += fm.getHeight();
    }
    g.drawLine(w / 12, y - fm.getAscent() / 2, w - w / 12, y - fm.getAscent() / 2);
    y += fm.getHeight() / 2;
    g.setColor(new Color(0xb00020));
    line(g, fm, "TOTAL", money(cents), w, y);
  }

  static void line(Graphics2D g, FontMetrics fm, String left, String right, int w, int y) {
    g.drawString(left, w / 12, y);
    g.drawString(right, w - w / 12 - fm.stringWidth(right), y);
  }

  static String money(int cents) {
    return String.format(Locale.ROOT, "%d.%02d", cents / 100, cents % 100);
  }

  // ---------------------------------------------------------------- logo (GIF)

  static Written writeLogo(Path out, String rel, int w, int h) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(img);
    g.setColor(new Color(0xf7f3ea));
    g.fillRect(0, 0, w, h);
    g.setStroke(new BasicStroke(6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    Color[] branch = {new Color(0xe4572e), new Color(0x29335c), new Color(0x17bebb)};
    double forkX = w * 0.35;
    double forkY = h * 0.42;
    g.setColor(new Color(0x3a3a3a));
    g.draw(new Line2D.Double(w * 0.08, forkY, forkX, forkY));
    for (int i = 0; i < 3; i++) {
      double endY = h * (0.14 + 0.28 * i);
      Path2D.Double p = new Path2D.Double();
      p.moveTo(forkX, forkY);
      p.curveTo(forkX + w * 0.15, forkY, forkX + w * 0.2, endY, w * 0.85, endY);
      g.setColor(branch[i]);
      g.draw(p);
      g.fill(new Ellipse2D.Double(w * 0.85 - 8, endY - 8, 16, 16));
    }
    g.setColor(new Color(0x3a3a3a));
    g.fill(new Ellipse2D.Double(forkX - 7, forkY - 7, 14, 14));
    drawLabel(g, w, h, name(rel) + "  " + w + "x" + h);
    g.dispose();
    write(img, "gif", out.resolve(rel));
    return new Written(Path.of(rel), w, h, 0);
  }

  // ---------------------------------------------------------------- helpers

  static Graphics2D graphics(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    return g;
  }

  /** White text on a dark rounded box, bottom left; the font shrinks until the text fits. */
  static void drawLabel(Graphics2D g, int w, int h, String text) {
    int size = Math.max(8, Math.min(36, h / 24));
    Font font = new Font(Font.SANS_SERIF, Font.BOLD, size);
    FontMetrics fm = g.getFontMetrics(font);
    while (fm.stringWidth(text) > w - size && size > 6) {
      size--;
      font = font.deriveFont((float) size);
      fm = g.getFontMetrics(font);
    }
    int pad = Math.max(2, size / 3);
    int boxW = fm.stringWidth(text) + 2 * pad;
    int boxH = fm.getAscent() + fm.getDescent() + pad;
    int x = Math.max(1, Math.min(pad * 2, w - boxW - 1));
    int y = h - boxH - Math.max(1, pad);
    g.setComposite(AlphaComposite.SrcOver);
    g.setColor(new Color(0, 0, 0, 150));
    g.fill(new RoundRectangle2D.Double(x, y, boxW, boxH, pad * 2, pad * 2));
    g.setColor(Color.WHITE);
    g.setFont(font);
    g.drawString(text, x + pad, y + pad / 2 + fm.getAscent());
  }

  static void drawCentered(Graphics2D g, String text, int cx, int baseline) {
    g.drawString(text, cx - g.getFontMetrics().stringWidth(text) / 2, baseline);
  }

  static void write(BufferedImage img, String format, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    if (!ImageIO.write(img, format, file.toFile())) {
      throw new IOException("no ImageIO writer for " + format + " and image type " + img.getType());
    }
  }

  static byte[] encodeJpeg(BufferedImage img) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(JPEG_QUALITY);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(ios);
      writer.write(null, new IIOImage(img, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /**
   * Returns the JPEG with an Exif APP1 segment right after SOI: "Exif\0\0", a little-endian TIFF
   * header, IFD0 with one entry (0x0112 Orientation, SHORT, count 1) and next-IFD offset 0. The
   * JFIF APP0 segment that ImageIO writes is dropped: JFIF wants APP0 first, Exif wants APP1 first,
   * and camera files (Exif) carry no JFIF segment.
   */
  static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    if ((jpeg[0] & 0xff) != 0xff || (jpeg[1] & 0xff) != 0xd8) {
      throw new IllegalArgumentException("not a JPEG: no SOI");
    }
    int rest = 2;
    if ((jpeg[2] & 0xff) == 0xff && (jpeg[3] & 0xff) == 0xe0) {
      rest = 4 + ((jpeg[4] & 0xff) << 8 | (jpeg[5] & 0xff));
    }
    ByteBuffer tiff = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
    tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8); // header, IFD0 at 8
    tiff.putShort((short) 1); // IFD0 has one entry:
    tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1); // Orientation, SHORT, count 1
    tiff.putShort((short) orientation).putShort((short) 0); // value, left-justified in 4 bytes
    tiff.putInt(0); // offset of the next IFD: none
    byte[] exifId = {'E', 'x', 'i', 'f', 0, 0};
    int segLen = 2 + exifId.length + tiff.capacity(); // the length field counts itself
    ByteArrayOutputStream b = new ByteArrayOutputStream(jpeg.length + segLen + 2);
    b.write(0xff);
    b.write(0xd8);
    b.write(0xff);
    b.write(0xe1);
    b.write(segLen >> 8);
    b.write(segLen & 0xff);
    b.write(exifId, 0, exifId.length);
    b.write(tiff.array(), 0, tiff.capacity());
    b.write(jpeg, rest, jpeg.length - rest);
    return b.toByteArray();
  }

  /** The EXIF Orientation of a JPEG, 0 if it has none; checks the segment's structure. */
  static int readExifOrientation(byte[] j) {
    int p = 2;
    while (p + 4 <= j.length && (j[p] & 0xff) == 0xff) {
      int marker = j[p + 1] & 0xff;
      int len = (j[p + 2] & 0xff) << 8 | (j[p + 3] & 0xff);
      if (marker == 0xda) {
        return 0; // start of scan: no more metadata segments
      }
      boolean exif =
          marker == 0xe1
              && len >= 8
              && new String(j, p + 4, 6, StandardCharsets.ISO_8859_1).equals("Exif\0\0");
      if (exif) {
        int t = p + 10;
        boolean le = j[t] == 'I' && j[t + 1] == 'I';
        if (!le && !(j[t] == 'M' && j[t + 1] == 'M') || u16(j, t + 2, le) != 42) {
          throw new IllegalStateException("bad TIFF header in Exif segment");
        }
        int ifd = t + (int) u32(j, t + 4, le);
        int count = u16(j, ifd, le);
        for (int i = 0; i < count; i++) {
          int e = ifd + 2 + 12 * i;
          if (u16(j, e, le) == 0x0112) {
            if (u16(j, e + 2, le) != 3 || u32(j, e + 4, le) != 1) {
              throw new IllegalStateException("Orientation is not one SHORT");
            }
            return u16(j, e + 8, le);
          }
        }
        return 0;
      }
      p += 2 + len;
    }
    return 0;
  }

  static int u16(byte[] b, int i, boolean le) {
    int a = b[i] & 0xff;
    int c = b[i + 1] & 0xff;
    return le ? c << 8 | a : a << 8 | c;
  }

  static long u32(byte[] b, int i, boolean le) {
    long hi = u16(b, le ? i + 2 : i, le);
    long lo = u16(b, le ? i : i + 2, le);
    return hi << 16 | lo;
  }

  /** Reads every file back: decodes, has the right size and orientation; prints the listing. */
  static boolean check(Path out, List<Written> all) throws IOException {
    boolean ok = true;
    long ours = 0;
    System.out.printf(Locale.ROOT, "%-44s %11s %9s  %s%n", "file", "stored", "bytes", "exif");
    for (Written wr : all) {
      Path file = out.resolve(wr.rel());
      byte[] bytes = Files.readAllBytes(file);
      ours += bytes.length;
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
      int orientation = file.toString().endsWith(".jpg") ? readExifOrientation(bytes) : 0;
      String problem = "";
      if (img == null) {
        problem = "  <- ImageIO cannot decode it";
      } else if (img.getWidth() != wr.width() || img.getHeight() != wr.height()) {
        problem = "  <- decoded as " + img.getWidth() + "x" + img.getHeight();
      } else if (orientation != wr.orientation()) {
        problem = "  <- EXIF orientation " + orientation + ", expected " + wr.orientation();
      } else if (file.toString().endsWith(".jpg") && !metadataReadable(bytes)) {
        problem = "  <- ImageIO cannot read its metadata";
      }
      ok &= problem.isEmpty();
      System.out.printf(
          Locale.ROOT,
          "%-44s %11s %9d  %s%s%n",
          wr.rel(),
          wr.width() + "x" + wr.height(),
          bytes.length,
          orientation == 0 ? "-" : "Orientation=" + orientation,
          problem);
    }
    long total;
    long files;
    try (Stream<Path> walk = Files.walk(out)) {
      List<Path> regular = walk.filter(Files::isRegularFile).toList();
      files = regular.size();
      total = regular.stream().mapToLong(MakeImages::size).sum();
    }
    System.out.printf(
        Locale.ROOT, "%d images written, %d bytes (%.2f MB)%n", all.size(), ours, ours / 1048576.0);
    System.out.printf(
        Locale.ROOT,
        "folder %s: %d files, %d bytes (%.2f MB), limit 2 MB%n",
        out,
        files,
        total,
        total / 1048576.0);
    if (total >= MAX_TOTAL_BYTES) {
      System.out.println("FAIL: the folder is 2 MB or more");
      ok = false;
    }
    System.out.println(ok ? "OK: every file decodes with ImageIO" : "FAIL: see the marks above");
    return ok;
  }

  static boolean metadataReadable(byte[] jpeg) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      ImageReader reader = readers.next();
      reader.setInput(in);
      reader.getImageMetadata(0);
      reader.dispose();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Random rnd(String rel) {
    return new Random(SEED ^ rel.hashCode()); // String.hashCode is specified: stable everywhere
  }

  static String name(String rel) {
    return rel.substring(rel.lastIndexOf('/') + 1);
  }

  static Color alpha(Color c, int a) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), a);
  }

  static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
