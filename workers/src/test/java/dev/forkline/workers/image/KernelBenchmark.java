package dev.forkline.workers.image;

import dev.forkline.workers.image.codec.ImageCodec;
import dev.forkline.workers.image.filter.Filter;
import dev.forkline.workers.image.filter.Filters;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Measures the transform kernel's benchmark chain on this machine (not a test): a generated
 * 1920x1080 photo-like JPEG (gradients, a sine wave and noise) through decode, {@code resize
 * width=800 method=lanczos3}, {@code sharpen sigma=0.8 amount=0.6} and JPEG q85 encode. Prints the
 * median and minimum thread CPU time and wall time of each step and of the whole {@link
 * TransformKernel#apply}. Thread CPU time is the number to compare on a shared, loaded machine.
 *
 * <pre>
 * java -cp workers/target/classes:$(deps) dev.forkline.workers.image.KernelBenchmark warm [RUNS]
 * java -cp ... dev.forkline.workers.image.KernelBenchmark cold [IMAGES] [WARM_UP_MS]
 * </pre>
 *
 * <p>{@code cold}: the first images of a fresh JVM, as a worker sees them; with {@code WARM_UP_MS
 * >= 0}, {@link TransformKernel#warmUp()} runs on a background thread (as {@code WorkerMain} does)
 * and the first image comes that many milliseconds after it started; {@code -1} for no warm-up.
 */
public final class KernelBenchmark {
  static final List<String> CHAIN =
      List.of("resize width=800 method=lanczos3", "sharpen sigma=0.8 amount=0.6");

  private KernelBenchmark() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "warm";
    if (mode.equals("cold")) {
      cold(
          args.length > 1 ? Integer.parseInt(args[1]) : 60,
          args.length > 2 ? Long.parseLong(args[2]) : -1);
    } else {
      warm(args.length > 1 ? Integer.parseInt(args[1]) : 40);
    }
  }

  private static void warm(int runs) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "forkline kernel benchmark: %d cores, %s %s, %d runs after warm-up%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        runs);
    byte[] jpeg = ImageCodec.encode(photoLike(1920, 1080, 1), "jpeg", 90, null);
    Filter resize = Filters.parse(CHAIN.get(0));
    Filter sharpen = Filters.parse(CHAIN.get(1));
    TransformKernel kernel = new TransformKernel();
    byte[] request = request(jpeg);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    String[] steps = {"decode", "resize", "sharpen", "encode", "steps total", "kernel.apply"};
    double[][] cpu = new double[steps.length][runs];
    double[][] wall = new double[steps.length][runs];
    int warmUp = Math.max(20, runs / 2);
    for (int i = -warmUp; i < runs; i++) {
      long[] c = new long[5];
      long[] t = new long[5];
      c[0] = mx.getCurrentThreadCpuTime();
      t[0] = System.nanoTime();
      Pixels p = ImageCodec.decode(jpeg, 1L << 30).pixels();
      c[1] = mx.getCurrentThreadCpuTime();
      t[1] = System.nanoTime();
      p = resize.apply(p);
      c[2] = mx.getCurrentThreadCpuTime();
      t[2] = System.nanoTime();
      p = sharpen.apply(p);
      c[3] = mx.getCurrentThreadCpuTime();
      t[3] = System.nanoTime();
      byte[] out = ImageCodec.encode(p, "jpeg", 85, null);
      c[4] = mx.getCurrentThreadCpuTime();
      t[4] = System.nanoTime();
      byte[] reply = kernel.apply(request);
      long c5 = mx.getCurrentThreadCpuTime();
      long t5 = System.nanoTime();
      if (out.length == 0 || !TransformReply.decode(reply).ok()) {
        throw new IllegalStateException("the chain failed");
      }
      if (i < 0) {
        continue;
      }
      for (int s = 0; s < 4; s++) {
        cpu[s][i] = (c[s + 1] - c[s]) / 1e6;
        wall[s][i] = (t[s + 1] - t[s]) / 1e6;
      }
      cpu[4][i] = (c[4] - c[0]) / 1e6;
      wall[4][i] = (t[4] - t[0]) / 1e6;
      cpu[5][i] = (c5 - c[4]) / 1e6;
      wall[5][i] = (t5 - t[4]) / 1e6;
    }
    System.out.printf(
        Locale.ROOT,
        "1920x1080 jpeg q90 (%d KiB) -> %s -> jpeg q85%n",
        jpeg.length / 1024,
        String.join(" -> ", CHAIN));
    for (int s = 0; s < steps.length; s++) {
      Arrays.sort(cpu[s]);
      Arrays.sort(wall[s]);
      System.out.printf(
          Locale.ROOT,
          "%-13s cpu median %6.1f ms (min %6.1f)   wall median %6.1f ms (min %6.1f)%n",
          steps[s],
          cpu[s][runs / 2],
          cpu[s][0],
          wall[s][runs / 2],
          wall[s][0]);
    }
  }

  private static void cold(int images, long warmUpMs) throws Exception {
    long start = System.nanoTime();
    TransformKernel kernel = new TransformKernel();
    if (warmUpMs >= 0) {
      Thread t =
          new Thread(
              () -> {
                long c = System.nanoTime();
                try {
                  kernel.warmUp();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                System.out.printf(
                    Locale.ROOT, "warm-up finished in %.0f ms%n", (System.nanoTime() - c) / 1e6);
              },
              "warm-up");
      t.setDaemon(true);
      t.start();
      Thread.sleep(warmUpMs);
    }
    // Different images (noise seeds) so no step can reuse a previous result.
    byte[][] requests = new byte[Math.min(images, 4)][];
    for (int i = 0; i < requests.length; i++) {
      requests[i] = request(ImageCodec.encode(photoLike(1920, 1080, 100 + i), "jpeg", 90, null));
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double[] cpu = new double[images];
    double[] wall = new double[images];
    long first = System.nanoTime();
    for (int i = 0; i < images; i++) {
      long c = mx.getCurrentThreadCpuTime();
      long t = System.nanoTime();
      byte[] reply = kernel.apply(requests[i % requests.length]);
      wall[i] = (System.nanoTime() - t) / 1e6;
      cpu[i] = (mx.getCurrentThreadCpuTime() - c) / 1e6;
      if (!TransformReply.decode(reply).ok()) {
        throw new IllegalStateException("the chain failed");
      }
    }
    System.out.printf(
        Locale.ROOT,
        "cold: first image %.0f ms after JVM code start (warm-up %s); %d images in %.0f ms%n",
        (first - start) / 1e6,
        warmUpMs < 0 ? "none" : warmUpMs + " ms ahead",
        images,
        (System.nanoTime() - first) / 1e6);
    for (int i = 0; i < Math.min(5, images); i++) {
      System.out.printf(
          Locale.ROOT, "image %d: wall %6.1f ms, cpu %6.1f ms%n", i + 1, wall[i], cpu[i]);
    }
    int[][] ranges = {{0, 10}, {10, 50}, {50, images}};
    for (int[] r : ranges) {
      int to = Math.min(images, r[1]);
      if (to <= r[0]) {
        continue;
      }
      double w = 0;
      double c = 0;
      for (int i = r[0]; i < to; i++) {
        w += wall[i];
        c += cpu[i];
      }
      System.out.printf(
          Locale.ROOT,
          "images %d-%d: mean wall %6.1f ms, cpu %6.1f ms%n",
          r[0] + 1,
          to,
          w / (to - r[0]),
          c / (to - r[0]));
    }
  }

  private static byte[] request(byte[] jpeg) {
    return new TransformRequest(1L << 30, true, CHAIN, "jpeg", 85, MetadataPolicy.STRIP)
        .encode(jpeg);
  }

  /** Smooth gradients, a diagonal sine wave and noise: compresses and filters like a photo. */
  static Pixels photoLike(int w, int h, long seed) {
    Random random = new Random(seed);
    int[] argb = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = clamp(x * 255 / w + random.nextInt(17) - 8);
        int g = clamp(y * 255 / h + random.nextInt(17) - 8);
        int b = clamp((int) (128 + 100 * Math.sin((x + y) / 60.0)) + random.nextInt(17) - 8);
        argb[y * w + x] = 0xFF000000 | r << 16 | g << 8 | b;
      }
    }
    return new Pixels(w, h, argb, false);
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
