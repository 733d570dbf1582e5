package dev.forkline.pipelines.image;

import static dev.forkline.pipelines.TestFiles.image;
import static dev.forkline.pipelines.TestFiles.rowsBy;
import static dev.forkline.pipelines.TestFiles.str;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.TestFiles;
import dev.forkline.pipelines.config.ConfigLoader;
import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.run.ForklineRunner;
import dev.forkline.pipelines.run.RunOptions;
import dev.forkline.pipelines.run.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image-filter pipeline end to end on the Direct runner, with real files. */
class ImageFilterPipelineTest {
  @TempDir Path dir;

  private ForklineConfig config(String extra) throws Exception {
    Path file = TestFiles.config(dir, "pipeline: image-filter\ninput: in\noutput: out\n" + extra);
    return ConfigLoader.load(file, List.of(), dir);
  }

  @Test
  void everyInputBecomesOneRowWithTheRightStatus() throws Exception {
    Path in = dir.resolve("in");
    image(in.resolve("a.png"), "png", 40, 30);
    image(in.resolve("sub/deeper/b.jpg"), "jpg", 64, 48);
    image(in.resolve("c.BMP"), "bmp", 8, 8);
    Files.write(in.resolve("empty.png"), new byte[0]);
    Files.writeString(in.resolve("notes.jpg"), "this is not a picture");
    Files.write(in.resolve("riff.webp"), "RIFF\0\0\0\0WEBPVP8 ".getBytes("ISO-8859-1"));
    Files.writeString(in.resolve("readme.txt"), "not matched by include");

    RunResult result = ForklineRunner.run(config(""), RunOptions.quiet());

    Map<String, GenericRecord> rows = rowsBy(result.table(), "input");
    assertEquals(
        java.util.Set.of(
            "a.png", "sub/deeper/b.jpg", "c.BMP", "empty.png", "notes.jpg", "riff.webp"),
        rows.keySet());
    GenericRecord a = rows.get("a.png");
    assertEquals("ok", str(a, "status"));
    assertEquals("png", str(a, "format_in"));
    assertEquals(40, a.get("width_in"));
    assertEquals(30, a.get("height_in"));
    assertEquals("ok", str(rows.get("sub/deeper/b.jpg"), "status"));
    assertEquals("jpeg", str(rows.get("sub/deeper/b.jpg"), "format_in"));
    assertEquals("ok", str(rows.get("c.BMP"), "status"));
    assertFailed(rows.get("empty.png"), "transform", "corrupt");
    assertFailed(rows.get("notes.jpg"), "transform", "unsupported");
    assertFailed(rows.get("riff.webp"), "transform", "unsupported");
    assertEquals(3, result.metrics().rowsOk());
    assertEquals(Map.of("corrupt", 1L, "unsupported", 2L), result.metrics().rowsFailedByKind());
    assertEquals(6, result.metrics().inputs());
  }

  @Test
  void outputMirrorsTheInputTreeByteForByte() throws Exception {
    Path in = dir.resolve("in");
    Path source = image(in.resolve("x/y/pic.png"), "png", 16, 16);

    RunResult result = ForklineRunner.run(config(""), RunOptions.quiet());

    Path copy = dir.resolve("out/images/x/y/pic.png");
    assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(copy));
    GenericRecord row = rowsBy(result.table(), "input").get("x/y/pic.png");
    assertEquals(copy.toString(), str(row, "output_path"));
    try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
      assertTrue(
          files.noneMatch(
              p ->
                  p.getFileName().toString().endsWith(".tmp")
                      || p.getFileName().toString().startsWith(".forkline-staging")
                      || p.getFileName().toString().startsWith(".temp-beam")));
    }
  }

  @Test
  void limitsRefuseImagesBeforeDecoding() throws Exception {
    Path in = dir.resolve("in");
    image(in.resolve("wide.png"), "png", 300, 10);
    image(in.resolve("small.png"), "png", 10, 10);
    image(in.resolve("heavy.bmp"), "bmp", 100, 100);

    RunResult result =
        ForklineRunner.run(
            config("image-filter:\n  max-pixels: 2000\n  max-file-size: 20k\n"),
            RunOptions.quiet());

    Map<String, GenericRecord> rows = rowsBy(result.table(), "input");
    assertFailed(rows.get("wide.png"), "transform", "too-large");
    assertTrue(str(rows.get("wide.png"), "failure_message").contains("300x10 = 3000 pixels"));
    assertFailed(rows.get("heavy.bmp"), "read", "too-large");
    assertEquals("ok", str(rows.get("small.png"), "status"));
  }

  @Test
  void resumeSkipsFinishedInputsAndRedoesMissingOutputs() throws Exception {
    Path in = dir.resolve("in");
    image(in.resolve("one.png"), "png", 10, 10);
    image(in.resolve("two.png"), "png", 12, 10);
    image(in.resolve("three.png"), "png", 14, 10);
    Files.writeString(in.resolve("bad.png"), "broken");
    ForklineConfig config = config("");
    RunResult first = ForklineRunner.run(config, RunOptions.quiet());
    Map<String, GenericRecord> before = rowsBy(first.table(), "input");

    Files.delete(dir.resolve("out/images/two.png"));
    image(in.resolve("four.png"), "png", 16, 10);
    RunResult second = ForklineRunner.run(config, RunOptions.quiet().withResume(true));

    Map<String, GenericRecord> after = rowsBy(second.table(), "input");
    assertEquals(
        java.util.Set.of("one.png", "two.png", "three.png", "four.png", "bad.png"), after.keySet());
    assertEquals(2, second.carriedOver());
    assertEquals(3, second.metrics().rowsOk() + second.metrics().rowsFailed());
    assertEquals(
        str(before.get("one.png"), "processed_at"), str(after.get("one.png"), "processed_at"));
    assertFalse(
        str(before.get("two.png"), "processed_at")
            .equals(str(after.get("two.png"), "processed_at")));
    assertTrue(Files.exists(dir.resolve("out/images/two.png")));
    assertEquals("failed", str(after.get("bad.png"), "status"));
  }

  @Test
  void emptyInputFolderWritesAnEmptyTable() throws Exception {
    Files.createDirectories(dir.resolve("in"));
    RunResult result = ForklineRunner.run(config(""), RunOptions.quiet());
    assertTrue(Files.isRegularFile(result.table()));
    assertEquals(0, TestFiles.rows(result.table()).size());
    assertTrue(result.allOk());
  }

  @Test
  void awkwardFileNamesAndKindsEachGetExactlyOneRow() throws Exception {
    Path in = dir.resolve("in");
    image(in.resolve("back\\slash.png"), "png", 8, 8);
    image(in.resolve("back/slash.png"), "png", 9, 9);
    image(in.resolve("new\nline.png"), "png", 10, 10);
    image(in.resolve("sp ace ü.png"), "png", 11, 11);
    Files.createSymbolicLink(in.resolve("dangling.png"), dir.resolve("nowhere.png"));
    Process mkfifo = new ProcessBuilder("mkfifo", in.resolve("fifo.png").toString()).start();
    assertEquals(0, mkfifo.waitFor());
    try (java.io.RandomAccessFile sparse =
        new java.io.RandomAccessFile(in.resolve("huge.png").toFile(), "rw")) {
      sparse.setLength(3L << 30);
    }

    RunResult result =
        ForklineRunner.run(config("image-filter:\n  max-file-size: 2047m\n"), RunOptions.quiet());

    Map<String, GenericRecord> rows = rowsBy(result.table(), "input");
    assertEquals(
        java.util.Set.of(
            "back\\slash.png",
            "back/slash.png",
            "new\nline.png",
            "sp ace ü.png",
            "dangling.png",
            "fifo.png",
            "huge.png"),
        rows.keySet());
    assertEquals(8, rows.get("back\\slash.png").get("width_in"));
    assertEquals(9, rows.get("back/slash.png").get("width_in"));
    assertTrue(Files.isRegularFile(dir.resolve("out/images/back\\slash.png")));
    assertEquals("ok", str(rows.get("new\nline.png"), "status"));
    assertEquals("ok", str(rows.get("sp ace ü.png"), "status"));
    assertFailed(rows.get("dangling.png"), "read", "io");
    assertTrue(str(rows.get("dangling.png"), "failure_message").startsWith("dangling symbolic"));
    assertFailed(rows.get("fifo.png"), "list", "io");
    assertFailed(rows.get("huge.png"), "read", "too-large");
  }

  @Test
  void resumeDropsRowsOfDeletedInputs() throws Exception {
    Path in = dir.resolve("in");
    image(in.resolve("keep.png"), "png", 10, 10);
    Path gone = image(in.resolve("gone.png"), "png", 10, 10);
    ForklineConfig config = config("");
    ForklineRunner.run(config, RunOptions.quiet());
    Files.delete(gone);

    RunResult second = ForklineRunner.run(config, RunOptions.quiet().withResume(true));

    assertEquals(java.util.Set.of("keep.png"), rowsBy(second.table(), "input").keySet());
    assertEquals(1, second.carriedOver());
  }

  private static void assertFailed(GenericRecord row, String stage, String kind) {
    assertEquals("failed", str(row, "status"), () -> row.toString());
    assertEquals(stage, str(row, "failure_stage"), () -> row.toString());
    assertEquals(kind, str(row, "failure_kind"), () -> row.toString());
    assertTrue(str(row, "failure_message") != null && !str(row, "failure_message").isBlank());
    assertNull(row.get("output_path"));
  }
}
