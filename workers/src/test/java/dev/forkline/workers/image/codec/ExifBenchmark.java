package dev.forkline.workers.image.codec;

import dev.forkline.workers.image.MetadataPolicy;
import dev.forkline.workers.image.Pixels;
import dev.forkline.workers.image.TransformKernel;
import dev.forkline.workers.image.TransformRequest;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.imaging.formats.jpeg.exif.ExifRewriter;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;

/**
 * Measures what EXIF costs per image on this machine (not a test): reading a camera-like EXIF block
 * (IFD0, Exif with a MakerNote, Interoperability, GPS, and a JPEG thumbnail in IFD1: {@link
 * CameraJpeg}) from a JPEG, making the output's block, and writing it into a JPEG; against the
 * transform of a 12 MP photo (4000x3000, resize to 2000 wide with Lanczos-3, sharpen, JPEG q85)
 * with {@code metadata: strip} and {@code keep}. Thread CPU time, medians.
 *
 * <pre>
 * java -cp workers/target/classes:$(deps) dev.forkline.workers.image.codec.ExifBenchmark [RUNS]
 * </pre>
 */
public final class ExifBenchmark {
  private ExifBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    System.out.printf(
        Locale.ROOT,
        "forkline EXIF benchmark: %d cores, %s %s, median thread CPU of %d runs after warm-up%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        runs);
    Pixels photo = CameraJpeg.photoLike(4000, 3000);
    byte[] camera = CameraJpeg.of(photo, 90, 6);
    byte[] block = ExifBlock.find(camera, "jpeg");
    System.out.printf(
        Locale.ROOT,
        "4000x3000 camera-like JPEG: %d KiB, EXIF block %d bytes%n",
        camera.length / 1024,
        block.length);

    int inner = 1000;
    double read =
        report(
            "EXIF read (find + parse + facts), x" + inner,
            runs,
            inner,
            () -> {
              return ImageCodec.metadata(camera, "jpeg");
            });
    ExifBlock exif = ImageCodec.metadata(camera, "jpeg").exif();
    Pixels small = CameraJpeg.photoLike(2000, 1500);
    byte[] plain = ImageCodec.encode(small, "jpeg", 85, null);
    double write =
        report(
            "EXIF for the output (edit + write + APP1), x" + inner,
            runs,
            inner,
            () -> {
              TiffOutputSet set = exif.forOutput(small, true, true);
              ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length + 8192);
              ExifBlock.bytes(set);
              new ExifRewriter().updateExifMetadataLossy(plain, out, set);
              return out;
            });
    TransformKernel kernel = new TransformKernel();
    List<String> chain =
        List.of("resize width=2000 method=lanczos3", "sharpen sigma=0.8 amount=0.6");
    byte[] strip =
        new TransformRequest(1L << 30, true, chain, "jpeg", 85, MetadataPolicy.STRIP)
            .encode(camera);
    byte[] keep =
        new TransformRequest(1L << 30, true, chain, "jpeg", 85, MetadataPolicy.KEEP).encode(camera);
    double stripMs = report("12 MP transform, metadata: strip", runs, 1, () -> kernel.apply(strip));
    double keepMs = report("12 MP transform, metadata: keep", runs, 1, () -> kernel.apply(keep));
    System.out.printf(
        Locale.ROOT,
        "EXIF per 12 MP image: read %.3f ms (%.2f%% of the strip transform), keep's writing"
            + " %.3f ms (%.2f%%); keep's transform %.1f ms%n",
        read,
        100 * read / stripMs,
        write,
        100 * write / stripMs,
        keepMs);
  }

  /** Median thread CPU milliseconds of one call of {@code task} ({@code inner} calls per run). */
  private static double report(String what, int runs, int inner, Callable<?> task)
      throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (int i = 0; i < (inner > 1 ? 20 : 5); i++) {
      for (int j = 0; j < inner; j++) {
        task.call();
      }
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = mx.getCurrentThreadCpuTime();
      for (int j = 0; j < inner; j++) {
        task.call();
      }
      ms[i] = (mx.getCurrentThreadCpuTime() - start) / 1e6 / inner;
    }
    Arrays.sort(ms);
    System.out.printf(
        Locale.ROOT,
        "%-52s median %9.4f ms  (min %.4f, max %.4f)%n",
        what,
        ms[runs / 2],
        ms[0],
        ms[runs - 1]);
    return ms[runs / 2];
  }
}
