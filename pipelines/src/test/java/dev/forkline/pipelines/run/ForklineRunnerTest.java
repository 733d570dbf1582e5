package dev.forkline.pipelines.run;

import static dev.forkline.pipelines.TestFiles.image;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.TestFiles;
import dev.forkline.pipelines.config.ConfigLoader;
import dev.forkline.pipelines.config.ForklineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the runner does around every pipeline: the output lock, leftovers, the table. */
class ForklineRunnerTest {
  @TempDir Path dir;

  private ForklineConfig config() throws Exception {
    image(dir.resolve("in/a.png"), "png", 8, 8);
    return ConfigLoader.load(
        TestFiles.config(dir, "pipeline: image-filter\ninput: in\noutput: out\n"), List.of(), dir);
  }

  @Test
  void aSecondRunOnTheSameOutputIsRefusedWhileTheFirstHoldsIt() throws Exception {
    ForklineConfig config = config();
    Files.createDirectories(config.output());
    try (OutputLock held = OutputLock.acquire(config.output())) {
      OutputFolderException e =
          assertThrows(
              OutputFolderException.class, () -> ForklineRunner.run(config, RunOptions.quiet()));
      assertTrue(e.getMessage().contains("another forkline run (pid "), e.getMessage());
      assertTrue(e.getMessage().contains("choose another output folder"), e.getMessage());
    }
    assertTrue(ForklineRunner.run(config, RunOptions.quiet()).allOk());
  }

  @Test
  void leftoversOfAKilledRunAreRemoved() throws Exception {
    ForklineConfig config = config();
    Path stale = Files.createDirectories(config.output().resolve(".forkline-staging-old/scratch"));
    Files.writeString(stale.resolve("write-1.tmp"), "half a file");
    Files.createDirectories(config.output().resolve(".temp-beam-123"));

    ForklineRunner.run(config, RunOptions.quiet());

    try (var children = Files.list(config.output())) {
      List<String> names = children.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(
          List.of(".forkline.lock", "images", "manifest.parquet", "report.html", "run.json"),
          names);
    }
  }

  @Test
  void anOutputThatCannotBeWrittenIsAFailedRowNotACrash() throws Exception {
    ForklineConfig config = config();
    // A folder where the output image must go: the rename into place fails for this file only.
    Files.createDirectories(config.output().resolve("images/a.png/blocker"));

    RunResult result = ForklineRunner.run(config, RunOptions.quiet());

    assertEquals(1, result.metrics().rowsFailed());
    assertEquals(java.util.Map.of("io", 1L), result.metrics().rowsFailedByKind());
    var row = TestFiles.rowsBy(result.table(), "input").get("a.png");
    assertEquals("write", TestFiles.str(row, "failure_stage"));
    try (var files = Files.walk(config.output())) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
  }
}
