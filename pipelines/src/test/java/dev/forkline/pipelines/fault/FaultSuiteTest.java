package dev.forkline.pipelines.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.TestFiles;
import dev.forkline.pipelines.config.ConfigLoader;
import dev.forkline.pipelines.run.ForklineRunner;
import dev.forkline.pipelines.run.RunOptions;
import dev.forkline.pipelines.run.RunResult;
import dev.forkline.pipelines.scrape.DemoSite;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs broken on purpose: worker JVMs killed every second, the driver killed early, midway and
 * right after its last image and then resumed, inputs changed or removed between runs. Each ends
 * checked by {@link IndependentCheck}: exactly one row per input, every ok output there with its
 * recorded size and decodable, nothing left over, no worker JVM outliving its driver.
 */
@Tag("fault")
class FaultSuiteTest {
  private static final int IMAGES = 300;

  @TempDir Path dir;
  private Path in;
  private Set<String> names;

  @BeforeEach
  void images() throws Exception {
    in = Files.createDirectories(dir.resolve("in"));
    names = new TreeSet<>();
    Random random = new Random(42);
    for (int i = 0; i < IMAGES; i++) {
      String name = String.format("d%d/photo-%03d.jpg", i % 3, i);
      photo(in.resolve(name), 480, 360, random);
      names.add(name);
    }
  }

  private Path config(String output) throws Exception {
    return config(output, "    - blur: {sigma: 2}\n    - resize: {width: 240}\n");
  }

  private Path config(String output, String filters) throws Exception {
    return TestFiles.config(
        dir,
        "pipeline: image-filter\ninput: in\noutput: "
            + output
            + "\nimage-filter:\n  filters:\n"
            + filters
            + "stages:\n  transform:\n    executor: processes\n    workers: 2\n    retries: 5\n");
  }

  @Test
  void workerJvmsKilledEverySecondLoseNoRow() throws Exception {
    // Heavier filters: the run must last long enough for several kills, even with warm workers.
    Path config =
        config(
            "out",
            "    - blur: {sigma: 6}\n    - sharpen: {sigma: 2}\n    - resize: {width: 240}\n");
    AtomicInteger killed = new AtomicInteger();
    Thread killer =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  return;
                }
                ProcessHandle.current()
                    .descendants()
                    .filter(FaultSuiteTest::isWorker)
                    .findFirst()
                    .ifPresent(
                        worker -> {
                          if (worker.destroyForcibly()) {
                            killed.incrementAndGet();
                          }
                        });
              }
            },
            "worker-killer");
    killer.start();
    RunResult result;
    try {
      result = ForklineRunner.run(ConfigLoader.load(config, List.of(), dir), RunOptions.quiet());
    } finally {
      killer.interrupt();
      killer.join();
    }

    System.err.printf(
        "fault suite: %d worker JVMs killed; rows ok %d, failed %d %s%n",
        killed.get(),
        result.metrics().rowsOk(),
        result.metrics().rowsFailed(),
        result.metrics().rowsFailedByKind());
    assertTrue(killed.get() >= 2, "the run was too short to kill workers: " + killed.get());
    IndependentCheck.imageManifest(dir.resolve("out"), names);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (ProcessHandle.current().descendants().anyMatch(FaultSuiteTest::isWorker)
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(
        List.of(),
        ProcessHandle.current().descendants().filter(FaultSuiteTest::isWorker).toList(),
        "worker JVMs outlived the run");
  }

  @Test
  void aDriverKilledEarlyIsResumedToOneRowPerInput() throws Exception {
    killDriverThenResume("early", () -> outputs(dir.resolve("early")) >= 1, false);
  }

  @Test
  void aDriverKilledMidwayIsResumedToOneRowPerInput() throws Exception {
    killDriverThenResume("midway", () -> outputs(dir.resolve("midway")) >= IMAGES / 2, true);
  }

  @Test
  void aDriverKilledAfterItsLastImageIsResumedToOneRowPerInput() throws Exception {
    killDriverThenResume("last", () -> outputs(dir.resolve("last")) >= IMAGES, true);
  }

  @Test
  void resumeAfterTheInputFolderChangedHasOneRowPerCurrentFile() throws Exception {
    Path config = config("changed");
    ForklineRunner.run(ConfigLoader.load(config, List.of(), dir), RunOptions.quiet());
    Random random = new Random(7);
    Set<String> now = new TreeSet<>(names);
    List<String> all = new ArrayList<>(names);
    for (int i = 0; i < 30; i++) {
      Files.delete(in.resolve(all.get(i))); // removed
      now.remove(all.get(i));
    }
    for (int i = 30; i < 60; i++) {
      Path file = in.resolve(all.get(i)); // replaced in place: another picture, another size
      photo(file, 400, 300, random);
      Files.setLastModifiedTime(
          file,
          java.nio.file.attribute.FileTime.fromMillis(
              Files.getLastModifiedTime(file).toMillis() + 10_000));
    }
    for (int i = 0; i < 20; i++) {
      String name = String.format("new/added-%02d.jpg", i);
      photo(in.resolve(name), 320, 240, random);
      now.add(name);
    }

    RunResult second =
        ForklineRunner.run(
            ConfigLoader.load(config, List.of(), dir), RunOptions.quiet().withResume(true));

    IndependentCheck.imageManifest(dir.resolve("changed"), now);
    assertEquals(IMAGES - 60, second.carriedOver());
    for (var row :
        IndependentCheck.rows(
            dir.resolve("changed/manifest.parquet"), "input", "width_in", "height_out")) {
      int width = ImageIO.read(in.resolve(row.get("input")).toFile()).getWidth();
      assertEquals(String.valueOf(width), row.get("width_in"), "stale row " + row);
    }
  }

  @Test
  void resumeAfterUrlsWereRemovedHasOneRowPerListedUrl() throws Exception {
    Path site = Files.createDirectories(dir.resolve("site"));
    for (int i = 0; i < 60; i++) {
      Files.writeString(
          site.resolve("p" + i + ".html"), "<html><title>page " + i + "</title></html>");
    }
    try (DemoSite.Handle server = DemoSite.start(site, 0, Duration.ZERO)) {
      Set<String> listed = new LinkedHashSet<>();
      for (int i = 0; i < 50; i++) {
        listed.add(server.url("/p" + i + ".html"));
      }
      Path list = dir.resolve("urls.txt");
      Files.write(list, listed);
      Path config =
          TestFiles.config(dir, "pipeline: url-scrape\ninput: urls.txt\noutput: scraped\n");
      ForklineRunner.run(ConfigLoader.load(config, List.of(), dir), RunOptions.quiet());

      Set<String> now = new LinkedHashSet<>();
      for (int i = 20; i < 60; i++) { // 20 removed, 10 added
        now.add(server.url("/p" + i + ".html"));
      }
      Files.write(list, now);
      RunResult second =
          ForklineRunner.run(
              ConfigLoader.load(config, List.of(), dir), RunOptions.quiet().withResume(true));

      IndependentCheck.pagesTable(dir.resolve("scraped"), now);
      assertEquals(30, second.carriedOver());
    }
  }

  /**
   * Runs the CLI in a JVM of its own, kills it with SIGKILL once {@code when} holds, checks that
   * its worker JVMs die with it, then resumes in another JVM and checks the table.
   */
  private void killDriverThenResume(String output, BooleanSupplier when, boolean keepsRows)
      throws Exception {
    Path config = config(output);
    Process driver = cli(config, false);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    List<ProcessHandle> workers = new ArrayList<>();
    while (driver.isAlive() && !when.getAsBoolean() && System.nanoTime() < deadline) {
      driver.descendants().filter(FaultSuiteTest::isWorker).forEach(workers::add);
      Thread.sleep(20);
    }
    driver.descendants().filter(FaultSuiteTest::isWorker).forEach(workers::add);
    boolean killedWhileRunning = driver.isAlive();
    driver.destroyForcibly().waitFor();
    System.err.printf(
        "fault suite: driver killed %s (%s) with %d outputs written%n",
        output, killedWhileRunning ? "running" : "already done", outputs(dir.resolve(output)));
    assertTrue(killedWhileRunning, "the run ended before it could be killed");
    for (ProcessHandle worker : workers) {
      worker.onExit().get(30, TimeUnit.SECONDS); // workers halt when their driver dies
    }

    Process resumed = cli(config, true);
    assertTrue(resumed.waitFor(180, TimeUnit.SECONDS), "the resumed run did not end");
    String log = Files.readString(dir.resolve(output + ".log"));
    assertEquals(0, resumed.exitValue(), log);
    if (keepsRows) { // the killed run's journal carried its finished rows over
      assertTrue(log.matches("(?s).*\\bkept +[1-9][0-9,]* .*"), log);
    }
    IndependentCheck.imageManifest(dir.resolve(output), names);
  }

  private Process cli(Path config, boolean resume) throws Exception {
    return TestFiles.runInChildJvm(dir, config, resume, dir.resolve(outputName(config) + ".log"));
  }

  private static String outputName(Path config) throws Exception {
    for (String line : Files.readAllLines(config)) {
      if (line.startsWith("output: ")) {
        return line.substring("output: ".length()).trim();
      }
    }
    throw new IllegalStateException("no output in " + config);
  }

  private static long outputs(Path output) {
    Path images = output.resolve("images");
    if (!Files.isDirectory(images)) {
      return 0;
    }
    try (Stream<Path> walk = Files.walk(images)) {
      return walk.filter(Files::isRegularFile).count();
    } catch (Exception e) {
      return 0; // the run is renaming files into place while we look
    }
  }

  /** A worker JVM, by its command line in /proc (ProcessHandle.Info drops long ones). */
  private static boolean isWorker(ProcessHandle process) {
    try {
      byte[] cmdline =
          Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
      return new String(cmdline, java.nio.charset.StandardCharsets.UTF_8)
          .contains("dev.forkline.workers.pool.WorkerMain");
    } catch (java.io.IOException e) {
      return false; // gone already
    }
  }

  /** A photo-like JPEG: a gradient with noise, so it does not compress to nothing. */
  private static void photo(Path file, int width, int height, Random random) throws Exception {
    Files.createDirectories(file.getParent());
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int noise = random.nextInt(48);
        int r = Math.min(255, x * 200 / width + noise);
        int g = Math.min(255, y * 200 / height + noise);
        image.setRGB(x, y, r << 16 | g << 8 | (128 + noise));
      }
    }
    ImageIO.write(image, "jpg", file.toFile());
  }
}
