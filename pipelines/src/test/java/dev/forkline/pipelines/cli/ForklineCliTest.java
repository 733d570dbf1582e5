package dev.forkline.pipelines.cli;

import static dev.forkline.pipelines.TestFiles.image;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.TestFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's exit codes and messages, through {@link ForklineCli#execute}. */
class ForklineCliTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int cli(String... args) {
    return ForklineCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private Path config(String extra) throws Exception {
    Files.createDirectories(dir.resolve("in"));
    return TestFiles.config(dir, "pipeline: image-filter\ninput: in\noutput: out\n" + extra);
  }

  @Test
  void validateOfAGoodConfigExitsZeroAndDescribesIt() throws Exception {
    int code = cli("validate", config("").toString());
    assertEquals(ExitCodes.OK, code, err.toString());
    assertTrue(out.toString().contains("config.yaml: ok"), out.toString());
    assertTrue(out.toString().contains("stage     transform processes, "), out.toString());
  }

  @Test
  void misspeltKeyExitsTwoWithLineColumnAndNoStackTrace() throws Exception {
    int code = cli("validate", config("stages:\n  read:\n    treads: 8\n").toString());
    assertEquals(ExitCodes.USAGE, code);
    String message = err.toString();
    assertTrue(
        message.contains(
            "config.yaml:6:5: unknown key 'treads' in stages.read; did you"
                + " mean 'threads'? Accepted keys: executor, threads, timeout, retries"),
        message);
    assertFalse(message.contains("\tat "), message);
    assertEquals("", out.toString());
  }

  @Test
  void runWithABadConfigExitsTwo() throws Exception {
    int code = cli("run", config("stages:\n  read:\n    threads: lots\n").toString());
    assertEquals(ExitCodes.USAGE, code);
    assertTrue(err.toString().startsWith("forkline: "), err.toString());
    assertTrue(err.toString().contains("stages.read.threads: 'lots' is not a whole number"));
  }

  @Test
  void badSetOverrideExitsTwo() throws Exception {
    int code = cli("validate", config("").toString(), "--set", "stages.read.threads=0");
    assertEquals(ExitCodes.USAGE, code);
    assertTrue(
        err.toString()
            .contains("--set stages.read.threads=0: stages.read.threads: 0 is" + " out of range"),
        err.toString());
  }

  @Test
  void unknownOptionExitsTwo() {
    assertEquals(ExitCodes.USAGE, cli("run", "--fast", "x.yaml"));
    assertTrue(err.toString().contains("Unknown option: '--fast'"), err.toString());
  }

  @Test
  void missingSubcommandExitsTwo() {
    assertEquals(ExitCodes.USAGE, cli());
  }

  @Test
  void runnerNotBuiltIntoThisJarExitsTwoAndSaysHowToBuildIt() throws Exception {
    // The pipelines module has no Flink or Spark on its classpath, like forkline.jar.
    for (String runner : new String[] {"flink", "spark"}) {
      err.getBuffer().setLength(0);
      assertEquals(ExitCodes.USAGE, cli("run", config("").toString(), "--runner", runner));
      assertTrue(
          err.toString()
              .contains("--runner " + runner + ": the " + runner + " runner is not built"),
          err.toString());
      assertTrue(err.toString().contains("-pl runners/" + runner), err.toString());
    }
  }

  @Test
  void badRunnerAndMasterValuesExitTwo() throws Exception {
    String cfg = config("").toString();
    assertEquals(ExitCodes.USAGE, cli("run", cfg, "--runner", "dataflow"));
    assertTrue(err.toString().contains("accepted: direct, flink, spark"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(ExitCodes.USAGE, cli("run", cfg, "--flink-master", "localhost:8081"));
    assertTrue(err.toString().contains("--flink-master needs --runner flink"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(
        ExitCodes.USAGE, cli("run", cfg, "--runner", "flink", "--spark-master", "local[2]"));
    assertTrue(err.toString().contains("--spark-master needs --runner spark"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(
        ExitCodes.USAGE, cli("run", cfg, "--runner", "flink", "--flink-master", "localhost"));
    assertTrue(err.toString().contains("expected HOST:PORT"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(
        ExitCodes.USAGE, cli("run", cfg, "--runner", "spark", "--spark-master", "local[0]"));
    assertTrue(err.toString().contains("expected local, local[N]"), err.toString());
  }

  @Test
  void helpOfEveryCommandExitsZero() {
    for (String command : new String[] {"run", "validate", "inspect"}) {
      assertEquals(ExitCodes.OK, cli(command, "--help"), command);
    }
    assertTrue(out.toString().contains("--resume"), out.toString());
  }

  @Test
  void runWithAllRowsOkExitsZeroAndPrintsTheSummary() throws Exception {
    Path cfg = config("");
    image(dir.resolve("in/a.png"), "png", 10, 10);
    int code = cli("run", cfg.toString(), "--progress", "none");
    assertEquals(ExitCodes.OK, code, err.toString());
    String summary = out.toString();
    assertTrue(summary.startsWith("image-filter: all rows ok in "), summary);
    assertTrue(summary.matches("(?s).*inputs\\s+1\\s.*ok\\s+1\\s.*failed\\s+0.*"), summary);
    assertTrue(summary.contains("table: " + dir.resolve("out/manifest.parquet")), summary);
  }

  @Test
  void runWithAFailedRowExitsOne() throws Exception {
    Path cfg = config("");
    image(dir.resolve("in/a.png"), "png", 10, 10);
    Files.writeString(dir.resolve("in/b.png"), "not an image");
    int code = cli("run", cfg.toString(), "--progress", "none");
    assertEquals(ExitCodes.FAILED_ROWS, code, err.toString());
    assertTrue(out.toString().matches("(?s).*failed\\s+1\\s+unsupported 1.*"), out.toString());
    assertTrue(out.toString().contains("--where status=failed"), out.toString());
  }
}
