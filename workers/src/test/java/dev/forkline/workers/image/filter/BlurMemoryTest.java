package dev.forkline.workers.image.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forkline.workers.image.Pixels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * blur and sharpen hold one float copy of the image, not three: a 3-megapixel image (12 MB of
 * pixels in, 12 MB out) filters in a 128 MB heap. With a float input, intermediate and output (48
 * MB each) it ran out of memory there, and a 12-megapixel photo failed in the default 512 MB
 * worker.
 */
class BlurMemoryTest {

  /** Runs one filter on a 3000x2000 image in this JVM; exits 0 when it finished. */
  public static void main(String[] args) {
    Pixels in = Pixels.filled(3000, 2000, 0xFF336699);
    Filter f = Filters.parse(args[0]);
    Pixels out = f.apply(in);
    System.exit(out.width() == 3000 ? 0 : 1);
  }

  private static int runInSmallHeap(String filter, Path dir) throws Exception {
    Path log = dir.resolve("out.txt");
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m",
                    "-XX:+UseSerialGC",
                    "-cp",
                    System.getProperty("java.class.path"),
                    BlurMemoryTest.class.getName(),
                    filter))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the filter did not finish in 120 s");
    }
    int code = p.exitValue();
    if (code != 0) {
      System.err.println(Files.readString(log));
    }
    return code;
  }

  @Test
  void blurOfSixMegapixelsFitsIn128MbHeap(@TempDir Path dir) throws Exception {
    assertEquals(0, runInSmallHeap("blur sigma=2", dir));
  }

  @Test
  void sharpenOfSixMegapixelsFitsIn128MbHeap(@TempDir Path dir) throws Exception {
    assertEquals(0, runInSmallHeap("sharpen sigma=1 amount=0.5 threshold=0", dir));
  }
}
