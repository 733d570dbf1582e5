package dev.forkline.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.TestFiles;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose output folder's disk fills up stops cleanly, and {@code --resume} after space is
 * freed ends with one row per input. The output folder is a small tmpfs the test mounts (as root);
 * where it cannot mount one it is skipped and says why.
 */
@org.junit.jupiter.api.Tag("fault")
class DiskFullTest {
  private static final int IMAGES = 40;

  @TempDir Path dir;
  private Path disk;
  private boolean mounted;

  @BeforeEach
  void mountSmallDisk() throws Exception {
    disk = Files.createDirectories(dir.resolve("disk"));
    String why = sh("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", disk.toString());
    if (why != null) {
      System.err.println("DiskFullTest skipped: cannot mount a tmpfs here (" + why + ")");
    }
    Assumptions.assumeTrue(why == null, "needs to mount a tmpfs: " + why);
    mounted = true;
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      sh("umount", "-l", disk.toString());
    }
  }

  @Test
  void aFullDiskStopsTheRunWithThePathAndResumeFinishesIt() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Random random = new Random(7);
    for (int i = 0; i < IMAGES; i++) {
      noise(in.resolve(String.format("img-%02d.png", i)), random);
    }
    Path config =
        TestFiles.config(
            dir, "pipeline: image-filter\ninput: in\noutput: " + disk.resolve("out") + "\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code = cli(out, err, "run", config.toString(), "--progress", "none");

    assertEquals(ExitCodes.ABORTED, code, err.toString());
    String message = err.toString();
    assertTrue(message.contains("the disk is full: no space left to write " + disk), message);
    assertTrue(message.contains("--resume"), message);
    assertFalse(message.contains("\tat "), message);
    assertTrue(out.toString().contains("image-filter: stopped"), out.toString());
    assertTrue(Files.isDirectory(disk.resolve("out/.forkline-journal")));

    assertEquals(null, sh("mount", "-o", "remount,size=64m", disk.toString()));
    StringWriter out2 = new StringWriter();
    StringWriter err2 = new StringWriter();
    int resumed = cli(out2, err2, "run", config.toString(), "--resume", "--progress", "none");

    assertEquals(ExitCodes.OK, resumed, err2.toString());
    Set<String> keys = new HashSet<>();
    for (GenericRecord row : TestFiles.rows(disk.resolve("out/manifest.parquet"))) {
      assertTrue(keys.add(row.get("input").toString()), "two rows for " + row.get("input"));
      Path output = Path.of(row.get("output_path").toString());
      assertEquals((Long) row.get("bytes_out"), Files.size(output));
      assertEquals(200, ImageIO.read(output.toFile()).getWidth());
    }
    assertEquals(IMAGES, keys.size());
  }

  private static int cli(StringWriter out, StringWriter err, String... args) {
    return ForklineCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  /** A PNG of random pixels: about 100 KB that no encoder can shrink much. */
  private static void noise(Path file, Random random) throws Exception {
    BufferedImage image = new BufferedImage(200, 160, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 160; y++) {
      for (int x = 0; x < 200; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    ImageIO.write(image, "png", file.toFile());
  }

  /** Runs a command; null if it exited 0, else what it printed. */
  private static String sh(String... command) throws Exception {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes()).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "timed out";
      }
      return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + output;
    } catch (java.io.IOException e) {
      return e.getMessage();
    }
  }
}
