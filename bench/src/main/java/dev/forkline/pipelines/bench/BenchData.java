package dev.forkline.pipelines.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The inputs of {@code forkline bench} and {@code bench/compare.sh}, made deterministically so
 * every tool gets the same bytes: photo-like JPEGs (smooth gradients, soft shapes and per-pixel
 * noise, not flat colour, which compresses unrealistically) and a static site of ~20 KB HTML pages
 * with its URL list.
 */
public final class BenchData {
  /** The JPEG quality the inputs are saved with (a camera's "fine" setting). */
  static final float INPUT_QUALITY = 0.9f;

  private BenchData() {}

  /**
   * Writes {@code count} JPEGs {@code img-0000.jpg ...} of {@code width x height} into {@code dir},
   * unless the folder already holds exactly those files (names and count). Returns the files.
   */
  public static List<Path> images(Path dir, int count, int width, int height) throws IOException {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      files.add(dir.resolve(String.format(Locale.ROOT, "img-%04d.jpg", i)));
    }
    Path stamp = dir.resolve(".bench-images");
    String expected = count + " " + width + "x" + height + "\n";
    if (Files.isRegularFile(stamp)
        && Files.readString(stamp).equals(expected)
        && files.stream().allMatch(Files::isRegularFile)
        && countFiles(dir, ".jpg") == count) {
      return files;
    }
    try (Stream<Path> old = Files.list(dir)) {
      for (Path p : (Iterable<Path>) old::iterator) {
        if (p.getFileName().toString().endsWith(".jpg")) {
          Files.delete(p);
        }
      }
    }
    try {
      java.util.stream.IntStream.range(0, count)
          .parallel()
          .forEach(
              i -> {
                try {
                  writeJpeg(photo(i, width, height), files.get(i));
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
    Files.writeString(stamp, expected);
    return files;
  }

  /**
   * A photo-like picture, the same for the same {@code seed}: a sky-to-ground gradient, a few soft
   * discs ("objects") and film-grain noise of a few levels, so JPEG gets realistic work.
   */
  static BufferedImage photo(int seed, int width, int height) {
    SplittableRandom random = new SplittableRandom(0x5eedL * 31 + seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    double[][] top = {{rnd(random, 90, 160), rnd(random, 140, 200), rnd(random, 190, 250)}};
    double[] bottom = {rnd(random, 40, 120), rnd(random, 60, 130), rnd(random, 20, 80)};
    int discs = 6;
    double[][] disc = new double[discs][6];
    for (double[] d : disc) {
      d[0] = random.nextDouble() * width;
      d[1] = random.nextDouble() * height;
      d[2] = (0.05 + random.nextDouble() * 0.2) * height;
      d[3] = random.nextDouble() * 255;
      d[4] = random.nextDouble() * 255;
      d[5] = random.nextDouble() * 255;
    }
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      double t = (double) y / (height - 1);
      for (int x = 0; x < width; x++) {
        double s = (double) x / (width - 1);
        double r = top[0][0] * (1 - t) + bottom[0] * t + 20 * Math.sin(s * 6.0 + seed);
        double g = top[0][1] * (1 - t) + bottom[1] * t + 15 * Math.cos(s * 4.0 + t * 3.0);
        double b = top[0][2] * (1 - t) + bottom[2] * t;
        for (double[] d : disc) {
          double dx = x - d[0];
          double dy = y - d[1];
          double w = Math.exp(-(dx * dx + dy * dy) / (2 * d[2] * d[2]));
          r += (d[3] - r) * w * 0.8;
          g += (d[4] - g) * w * 0.8;
          b += (d[5] - b) * w * 0.8;
        }
        int noise = random.nextInt(13) - 6;
        row[x] = (clamp(r + noise) << 16) | (clamp(g + noise) << 8) | clamp(b + noise);
      }
      image.setRGB(0, y, width, 1, row, 0, width);
    }
    return image;
  }

  private static double rnd(SplittableRandom random, double lo, double hi) {
    return lo + random.nextDouble() * (hi - lo);
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }

  private static void writeJpeg(BufferedImage image, Path file) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp);
        ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(INPUT_QUALITY);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
  }

  private static long countFiles(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
    }
  }

  /**
   * Writes a site of {@code pages} HTML pages {@code p/00000.html ...} of about {@code pageBytes}
   * each into {@code dir} (an article with headings, paragraphs, links to other pages, a table),
   * and returns the page paths ({@code /p/00000.html}).
   */
  public static List<String> site(Path dir, int pages, int pageBytes) throws IOException {
    Path p = dir.resolve("p");
    Files.createDirectories(p);
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < pages; i++) {
      String name = String.format(Locale.ROOT, "%05d.html", i);
      paths.add("/p/" + name);
      Path file = p.resolve(name);
      if (!Files.isRegularFile(file)) {
        Files.writeString(file, page(i, pages, pageBytes), StandardCharsets.UTF_8);
      }
    }
    return paths;
  }

  private static final String[] WORDS = {
    "kettle",
    "leaf",
    "steep",
    "oolong",
    "water",
    "temperature",
    "aroma",
    "harvest",
    "garden",
    "roast",
    "cup",
    "brew",
    "minute",
    "spring",
    "mountain",
    "valley",
    "the",
    "a",
    "of",
    "and",
    "with",
    "from",
    "in",
    "to",
    "is",
    "fresh",
    "green",
    "black",
    "smoky",
    "floral"
  };

  /** One page: deterministic text of about {@code bytes} bytes. */
  static String page(int index, int pages, int bytes) {
    SplittableRandom random = new SplittableRandom(index * 7919L + 17);
    StringBuilder html = new StringBuilder(bytes + 1024);
    html.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Bench page ")
        .append(index)
        .append("</title><meta name=\"description\" content=\"Benchmark page ")
        .append(index)
        .append("\"><link rel=\"canonical\" href=\"/p/")
        .append(String.format(Locale.ROOT, "%05d.html", index))
        .append("\"></head>\n<body><header><nav>");
    for (int k = 0; k < 10; k++) {
      int target = random.nextInt(pages);
      html.append("<a href=\"/p/")
          .append(String.format(Locale.ROOT, "%05d.html", target))
          .append("\">page ")
          .append(target)
          .append("</a> ");
    }
    html.append("</nav></header>\n<main><h1>Notes on brewing, part ")
        .append(index)
        .append("</h1>\n");
    int section = 0;
    while (html.length() < bytes - 200) {
      if (section % 4 == 0) {
        html.append("<h2>Section ").append(section / 4 + 1).append("</h2>\n");
      }
      html.append("<p>");
      int words = 40 + random.nextInt(60);
      for (int w = 0; w < words; w++) {
        if (w > 0) {
          html.append(' ');
        }
        if (random.nextInt(25) == 0) {
          int target = random.nextInt(pages);
          html.append("<a href=\"/p/")
              .append(String.format(Locale.ROOT, "%05d.html", target))
              .append("\">")
              .append(WORDS[random.nextInt(WORDS.length)])
              .append("</a>");
        } else {
          html.append(WORDS[random.nextInt(WORDS.length)]);
        }
      }
      html.append(".</p>\n");
      section++;
    }
    html.append("</main><footer>bench site</footer></body></html>\n");
    return html.toString();
  }

  /** Writes the URL list (one URL a line) for {@code paths} on {@code base} into {@code file}. */
  public static void urlList(Path file, String base, List<String> paths) throws IOException {
    StringBuilder out = new StringBuilder();
    for (String path : paths) {
      out.append(base).append(path).append('\n');
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
  }
}
