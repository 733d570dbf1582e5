package dev.forkline.pipelines.run;

import static dev.forkline.pipelines.TestFiles.image;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.TestFiles;
import dev.forkline.pipelines.config.ConfigLoader;
import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.config.PipelineType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressTest {
  @TempDir Path dir;

  @Test
  void progressLinesComeFromBeamMetricsOfARealRun() throws Exception {
    for (int i = 0; i < 40; i++) {
      image(dir.resolve("in/img" + i + ".png"), "png", 64, 64);
    }
    ForklineConfig config =
        ConfigLoader.load(
            TestFiles.config(dir, "pipeline: image-filter\ninput: in\noutput: out\n"),
            List.of(),
            dir);
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    RunOptions options =
        new RunOptions(
            "direct",
            false,
            true,
            new PrintStream(progress, true, StandardCharsets.UTF_8),
            false,
            Duration.ofMillis(50));

    RunResult result = ForklineRunner.run(config, options);

    String text = progress.toString(StandardCharsets.UTF_8);
    assertFalse(text.isEmpty(), "no progress printed");
    assertFalse(text.contains("\r"), "plain mode must not redraw lines: " + text);
    String first = text.lines().findFirst().orElseThrow();
    assertTrue(
        first.matches(
            "\\[\\d\\d:\\d\\d] rows [\\d,]+/[\\d,]+ \\| read [\\d,]+.*"
                + "\\| transform [\\d,]+.*\\| write [\\d,]+.*"),
        first);
    assertEquals(40, result.metrics().rowsOk());
    assertEquals(40, result.metrics().stageOk("read"));
    assertEquals(40, result.metrics().stageDone("write"));
    assertTrue(result.metrics().stageBusyMicros("transform") > 0);
  }

  @Test
  void terminalModeRedrawsOneLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressMonitor monitor =
        new ProgressMonitor(
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            true,
            PipelineType.IMAGE_FILTER.stages(),
            System.nanoTime());
    monitor.update(
        new MetricsSnapshot(
            Map.of(
                "inputs",
                10L,
                "read.ok",
                4L,
                "read.failed",
                1L,
                "rows.ok",
                3L,
                "rows.failed.corrupt",
                1L)));
    monitor.finish();
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.startsWith("\r\u001b[K[00:00] rows 4/10 | read 5 (1 failed)"), text);
    assertTrue(text.endsWith("\r\u001b[K"), text);
    assertFalse(text.contains("\n"), text);
  }
}
