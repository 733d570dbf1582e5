package dev.forkline.workers.image.codec;

import dev.forkline.workers.image.Pixels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.commons.imaging.Imaging;

/**
 * Measures the decoder choices of {@link ImageCodec} on this machine (not a test): 1920x1080
 * baseline JPEG and PNG decode with ImageIO vs Commons Imaging, JPEG q85 encode of 800x450, and the
 * pixel values each PNG decoder gives for a {@code gAMA} chunk.
 *
 * <pre>
 * java -cp workers/target/classes:$(deps) dev.forkline.workers.image.codec.ImageCodecBenchmark
 * </pre>
 */
public final class ImageCodecBenchmark {
  private ImageCodecBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    System.out.printf(
        Locale.ROOT,
        "forkline codec benchmark: %d cores, %s %s, median of %d runs after warm-up%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        runs);
    Pixels photo = photoLike(1920, 1080);
    byte[] jpeg = ImageCodec.encode(photo, "jpeg", 90, null);
    byte[] png = ImageCodec.encode(photo, "png", 0, null);
    System.out.printf(
        Locale.ROOT,
        "1920x1080: jpeg q90 %d KiB, png %d KiB%n",
        jpeg.length / 1024,
        png.length / 1024);

    report(
        "jpeg decode, ImageCodec (TwelveMonkeys)", runs, () -> ImageCodec.decode(jpeg, 1L << 40));
    report(
        "jpeg decode, TwelveMonkeys reader only", runs, () -> readWith(jpeg, "com.twelvemonkeys."));
    report("jpeg decode, JDK reader only", runs, () -> readWith(jpeg, "com.sun."));
    report("jpeg decode, Commons Imaging", runs, () -> Imaging.getBufferedImage(jpeg));
    report("png decode, ImageCodec (ImageIO)", runs, () -> ImageCodec.decode(png, 1L << 40));
    report("png decode, ImageIO reader only", runs, () -> readWith(png, "com.sun."));
    report("png decode, Commons Imaging", runs, () -> Imaging.getBufferedImage(png));

    Pixels small = photoLike(800, 450);
    report(
        "jpeg q85 encode 800x450, ImageCodec",
        runs,
        () -> ImageCodec.encode(small, "jpeg", 85, null));
    report("png encode 800x450, ImageCodec", runs, () -> ImageCodec.encode(small, "png", 0, null));

    gammaCheck(45455, "1/2.2");
    gammaCheck(100000, "1.0");
  }

  /** Stored samples 0, 64, 128, 192, 255 in a PNG with a gAMA chunk: what each decoder returns. */
  private static void gammaCheck(int gamma, String label) throws Exception {
    int[] stored = {0, 64, 128, 192, 255};
    int[] argb = new int[stored.length];
    for (int i = 0; i < stored.length; i++) {
      argb[i] = 0xFF000000 | stored[i] * 0x010101;
    }
    byte[] withGama = pngWithGama(new Pixels(stored.length, 1, argb, false), gamma);
    Pixels ours = ImageCodec.decode(withGama, 1000).pixels();
    BufferedImage commons = Imaging.getBufferedImage(withGama);
    int[] a = new int[stored.length];
    int[] b = new int[stored.length];
    for (int i = 0; i < stored.length; i++) {
      a[i] = ours.argb()[i] & 0xFF;
      b[i] = commons.getRGB(i, 0) & 0xFF;
    }
    System.out.printf(
        Locale.ROOT,
        "png gAMA %s: stored %s, ImageIO %s, Commons Imaging %s%n",
        label,
        Arrays.toString(stored),
        Arrays.toString(a),
        Arrays.toString(b));
  }

  /** A PNG of {@code pixels} with a {@code gAMA} chunk of {@code gamma} / 100000. */
  private static byte[] pngWithGama(Pixels pixels, int gamma) throws Exception {
    BufferedImage image = Rasters.wrap(pixels, false);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    IIOMetadata metadata =
        writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
    IIOMetadataNode gama = new IIOMetadataNode("gAMA");
    gama.setAttribute("value", Integer.toString(gamma));
    IIOMetadataNode root = new IIOMetadataNode("javax_imageio_png_1.0");
    root.appendChild(gama);
    metadata.mergeTree("javax_imageio_png_1.0", root);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, metadata), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static BufferedImage readWith(byte[] data, String classPrefix) throws Exception {
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      while (readers.hasNext()) {
        ImageReader reader = readers.next();
        if (reader.getClass().getName().startsWith(classPrefix)) {
          try {
            reader.setInput(in, true, true);
            return reader.read(0);
          } finally {
            reader.dispose();
          }
        }
      }
    }
    throw new IllegalStateException("no reader " + classPrefix);
  }

  private static void report(String what, int runs, Callable<?> task) throws Exception {
    for (int i = 0; i < 3; i++) {
      task.call();
    }
    long[] nanos = new long[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      task.call();
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    System.out.printf(
        Locale.ROOT,
        "%-42s median %7.1f ms  (min %.1f, max %.1f)%n",
        what,
        nanos[runs / 2] / 1e6,
        nanos[0] / 1e6,
        nanos[runs - 1] / 1e6);
  }

  /** Smooth gradients with mild noise: compresses like a photo, not like flat colour. */
  private static Pixels photoLike(int w, int h) {
    Random random = new Random(1);
    int[] argb = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = clamp(x * 255 / w + random.nextInt(9) - 4);
        int g = clamp(y * 255 / h + random.nextInt(9) - 4);
        int b = clamp((int) (128 + 100 * Math.sin((x + y) / 60.0)) + random.nextInt(9) - 4);
        argb[y * w + x] = 0xFF000000 | r << 16 | g << 8 | b;
      }
    }
    return new Pixels(w, h, argb, false);
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
