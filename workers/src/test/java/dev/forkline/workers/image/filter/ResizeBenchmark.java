package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Measures resize on this machine (not a test): a 1920x1080 opaque image (smooth gradients plus
 * noise) to 800 wide, each method, with and without box reduction, and with alpha; median of the
 * warm runs.
 *
 * <pre>
 * java -cp workers/target/classes dev.forkline.workers.image.filter.ResizeBenchmark [RUNS]
 * </pre>
 */
public final class ResizeBenchmark {
  private ResizeBenchmark() {}

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    System.out.printf(
        Locale.ROOT,
        "forkline resize benchmark: %d cores, %s %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"));
    Pixels opaque = image(1920, 1080, false);
    Pixels alpha = image(1920, 1080, true);
    for (Resize.Method m : Resize.Method.values()) {
      run("1920x1080 -> 800x450 " + m + " (fast path if any)", runs, () -> resize(opaque, m, true));
      run("1920x1080 -> 800x450 " + m + " exact", runs, () -> resize(opaque, m, false));
    }
    run(
        "1920x1080 alpha -> 800x450 LANCZOS3",
        runs,
        () -> resize(alpha, Resize.Method.LANCZOS3, true));
    run(
        "1920x1080 -> 200x113 LANCZOS3 (box 4x + filter)",
        runs,
        () -> Resampler.resize(opaque, 200, 113, Resampler.Kernel.LANCZOS3, true));
    run(
        "1920x1080 -> 200x113 LANCZOS3 exact",
        runs,
        () -> Resampler.resize(opaque, 200, 113, Resampler.Kernel.LANCZOS3, false));
    run(
        "via Filters.parse(\"resize width=800\")",
        runs,
        () -> Filters.parse("resize width=800").apply(opaque));
  }

  private static Pixels resize(Pixels in, Resize.Method m, boolean reduce) {
    return Resampler.resize(in, 800, 450, m.kernel, reduce);
  }

  private static void run(String label, int runs, java.util.function.Supplier<Pixels> task) {
    for (int i = 0; i < 10; i++) {
      task.get();
    }
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    double[] ms = new double[runs];
    double[] cpu = new double[runs];
    for (int i = 0; i < runs; i++) {
      long c = mx.getCurrentThreadCpuTime();
      long t = System.nanoTime();
      task.get();
      ms[i] = (System.nanoTime() - t) / 1e6;
      cpu[i] = (mx.getCurrentThreadCpuTime() - c) / 1e6;
    }
    Arrays.sort(ms);
    Arrays.sort(cpu);
    System.out.printf(
        Locale.ROOT,
        "%-52s wall median %5.1f ms (min %5.1f)  cpu median %5.1f ms (min %5.1f)%n",
        label,
        ms[runs / 2],
        ms[0],
        cpu[runs / 2],
        cpu[0]);
  }

  /** Gradients plus noise, so the resampler cannot shortcut anything. */
  static Pixels image(int w, int h, boolean alpha) {
    Random rnd = new Random(42);
    int[] px = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = (x * 255 / w + rnd.nextInt(32)) & 0xFF;
        int g = (y * 255 / h + rnd.nextInt(32)) & 0xFF;
        int b = ((x + y) * 255 / (w + h)) & 0xFF;
        int a = alpha ? (x * 7 + y * 3) & 0xFF : 0xFF;
        px[y * w + x] = (a << 24) | (r << 16) | (g << 8) | b;
      }
    }
    return new Pixels(w, h, px, alpha);
  }
}
