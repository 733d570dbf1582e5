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
import dev.forkline.pipelines.exec.StageMetrics;
import dev.forkline.pipelines.run.ForklineRunner;
import dev.forkline.pipelines.run.RunOptions;
import dev.forkline.pipelines.run.RunResult;
import dev.forkline.workers.image.codec.ImageCodec;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.imaging.formats.jpeg.exif.ExifRewriter;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;
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
    assertFailed(rows.get("riff.webp"), "transform", "corrupt");
    assertEquals(3, result.metrics().rowsOk());
    assertEquals(Map.of("corrupt", 2L, "unsupported", 1L), result.metrics().rowsFailedByKind());
    assertEquals(6, result.metrics().inputs());
  }

  @Test
  void outputMirrorsTheInputTreeWithTheSamePixels() throws Exception {
    Path in = dir.resolve("in");
    Path source = image(in.resolve("x/y/pic.png"), "png", 16, 16);

    RunResult result = ForklineRunner.run(config(""), RunOptions.quiet());

    Path copy = dir.resolve("out/images/x/y/pic.png");
    assertArrayEquals(pixels(source), pixels(copy));
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
  void theFilterChainAndOutputFormatApply() throws Exception {
    Path in = dir.resolve("in");
    image(in.resolve("wide.jpg"), "jpg", 40, 20);

    RunResult result =
        ForklineRunner.run(
            config(
                "image-filter:\n  filters:\n    - resize: {width: 20}\n    - grayscale\n"
                    + "  format: png\n"),
            RunOptions.quiet());

    GenericRecord row = rowsBy(result.table(), "input").get("wide.jpg");
    assertEquals("ok", str(row, "status"), row::toString);
    Path out = dir.resolve("out/images/wide.png");
    assertEquals(out.toString(), str(row, "output_path"));
    BufferedImage image = ImageIO.read(out.toFile());
    assertEquals(20, image.getWidth());
    assertEquals(10, image.getHeight());
    for (int rgb : image.getRGB(0, 0, 20, 10, null, 0, 20)) {
      int r = (rgb >> 16) & 0xFF;
      int g = (rgb >> 8) & 0xFF;
      int b = rgb & 0xFF;
      assertTrue(r == g && g == b, "grayscale pixel " + Integer.toHexString(rgb));
    }
    assertEquals("jpeg", str(row, "format_in"));
    assertEquals("png", str(row, "format_out"));
    assertEquals(20, row.get("width_out"));
    assertTrue(str(row, "filters").contains("resize"), () -> str(row, "filters"));
    assertTrue(str(row, "filters").contains("grayscale"), () -> str(row, "filters"));
    assertTrue(str(row, "decoder") != null && !str(row, "decoder").isEmpty());
    assertTrue(str(row, "worker") != null);
    assertTrue(row.get("decode_ms") != null && row.get("encode_ms") != null);
  }

  @Test
  void theThreeExecutorsWriteIdenticalImages() throws Exception {
    Path in = dir.resolve("in");
    image(in.resolve("a.png"), "png", 50, 40);
    image(in.resolve("b.jpg"), "jpg", 64, 48);
    image(in.resolve("c/d.bmp"), "bmp", 33, 17);
    image(in.resolve("e.gif"), "gif", 20, 30);
    withExif(image(in.resolve("f.jpg"), "jpg", 48, 32));
    String filters =
        "image-filter:\n  filters:\n    - resize: {width: 25, method: lanczos3}\n"
            + "    - sharpen: {sigma: 1}\n  format: png\n  metadata: keep\n";
    Map<String, Map<String, byte[]>> outputs = new java.util.TreeMap<>();
    for (String executor : List.of("inline", "threads", "processes")) {
      Path file =
          TestFiles.config(
              dir,
              "pipeline: image-filter\ninput: in\noutput: out-"
                  + executor
                  + "\n"
                  + filters
                  + "stages:\n  transform: {executor: "
                  + executor
                  + ", workers: 2}\n");
      RunResult result =
          ForklineRunner.run(ConfigLoader.load(file, List.of(), dir), RunOptions.quiet());
      assertTrue(result.allOk(), executor);
      Map<String, byte[]> files = new java.util.TreeMap<>();
      Path root = dir.resolve("out-" + executor + "/images");
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path p : walk.filter(Files::isRegularFile).toList()) {
          files.put(root.relativize(p).toString(), Files.readAllBytes(p));
        }
      }
      outputs.put(executor, files);
    }
    Map<String, byte[]> inline = outputs.get("inline");
    assertEquals(java.util.Set.of("a.png", "b.png", "c/d.png", "e.png", "f.png"), inline.keySet());
    assertEquals(
        "Canon", ImageCodec.decode(inline.get("f.png"), 1L << 20).metadata().make(), "EXIF kept");
    for (String executor : List.of("threads", "processes")) {
      assertEquals(inline.keySet(), outputs.get(executor).keySet(), executor);
      for (String name : inline.keySet()) {
        assertArrayEquals(inline.get(name), outputs.get(executor).get(name), executor + " " + name);
      }
    }
  }

  @Test
  void badFilesEachGetOneFailedRowOfTheirKind() throws Exception {
    Path in = dir.resolve("in");
    image(in.resolve("good.png"), "png", 30, 20);
    Path jpeg = image(in.resolve("full.jpg"), "jpg", 200, 150);
    byte[] bytes = Files.readAllBytes(jpeg);
    Files.delete(jpeg);
    Files.write(in.resolve("truncated.jpg"), java.util.Arrays.copyOf(bytes, bytes.length / 3));
    byte[] flipped = Files.readAllBytes(image(in.resolve("tmp.png"), "png", 30, 20));
    Files.delete(in.resolve("tmp.png"));
    flipped[1] ^= 0x40; // "PNG" magic broken
    Files.write(in.resolve("flipped.png"), flipped);
    Files.write(in.resolve("zero.gif"), new byte[0]);
    Files.writeString(in.resolve("text.bmp"), "hello, I am not a bitmap");
    Files.write(in.resolve("bomb.png"), pngHeader(100_000, 100_000));

    RunResult result = ForklineRunner.run(config(""), RunOptions.quiet());

    Map<String, GenericRecord> rows = rowsBy(result.table(), "input");
    assertEquals(6, rows.size());
    assertEquals("ok", str(rows.get("good.png"), "status"));
    assertFailed(rows.get("truncated.jpg"), "transform", "corrupt");
    assertFailed(rows.get("zero.gif"), "transform", "corrupt");
    assertFailed(rows.get("bomb.png"), "transform", "too-large");
    assertTrue(
        List.of("corrupt", "unsupported").contains(str(rows.get("flipped.png"), "failure_kind")));
    assertTrue(
        List.of("corrupt", "unsupported").contains(str(rows.get("text.bmp"), "failure_kind")));
    assertFalse(result.allOk());
  }

  @Test
  void aWorkerThatRunsOutOfMemoryFailsOnlyItsImageAsOom() throws Exception {
    Path in = dir.resolve("in");
    image(in.resolve("small.png"), "png", 20, 20);
    image(in.resolve("big.png"), "png", 4000, 3000);

    RunResult result =
        ForklineRunner.run(
            config(
                "image-filter:\n  filters: [grayscale]\n"
                    + "stages:\n  transform: {executor: processes, workers: 1, heap: 32m,"
                    + " retries: 0}\n"),
            RunOptions.quiet());

    Map<String, GenericRecord> rows = rowsBy(result.table(), "input");
    assertFailed(rows.get("big.png"), "transform", "oom");
    assertEquals("ok", str(rows.get("small.png"), "status"));
  }

  @Test
  void anImageOverrunningItsDeadlineHasItsWorkerKilledAndFailsAsTimeout() throws Exception {
    Path in = dir.resolve("in");
    image(in.resolve("small.png"), "png", 20, 20);
    image(in.resolve("big.png"), "png", 4000, 3000);

    RunResult result =
        ForklineRunner.run(
            config(
                "image-filter:\n  filters: [{blur: {sigma: 20}}]\n"
                    + "stages:\n  transform: {executor: processes, workers: 1, timeout: 50ms,"
                    + " retries: 0}\n"),
            RunOptions.quiet());

    Map<String, GenericRecord> rows = rowsBy(result.table(), "input");
    assertEquals(2, rows.size());
    assertFailed(rows.get("big.png"), "transform", "timeout");
    assertTrue(str(rows.get("big.png"), "failure_message").contains("worker"));
    assertTrue(result.metrics().workerDeaths("transform").containsKey("timeout"));
  }

  @Test
  void twoInputsWithTheSameOutputNameDoNotOverwriteEachOther() throws Exception {
    Path in = dir.resolve("in");
    image(in.resolve("photo.jpg"), "jpg", 10, 10);
    image(in.resolve("photo.png"), "png", 12, 12);

    RunResult result =
        ForklineRunner.run(config("image-filter:\n  format: png\n"), RunOptions.quiet());

    Map<String, GenericRecord> rows = rowsBy(result.table(), "input");
    long ok = rows.values().stream().filter(r -> "ok".equals(str(r, "status"))).count();
    assertEquals(1, ok);
    GenericRecord failed =
        rows.values().stream().filter(r -> "failed".equals(str(r, "status"))).findFirst().get();
    assertEquals("conflict", str(failed, "failure_kind"));
    assertTrue(str(failed, "failure_message").contains("already the output of"));
  }

  @Test
  void theNameTemplatePlacesOutputs() throws Exception {
    Path in = dir.resolve("in");
    image(in.resolve("sub/pic.png"), "png", 10, 10);

    ForklineRunner.run(
        config("image-filter:\n  format: jpeg\n  name: \"{dir}/small-{stem}.{format}.{ext}\"\n"),
        RunOptions.quiet());

    assertTrue(Files.isRegularFile(dir.resolve("out/images/sub/small-pic.jpeg.jpg")));
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
  void resumeRedoesRowsMadeWithOtherSettings() throws Exception {
    Path in = dir.resolve("in");
    image(in.resolve("a.png"), "png", 10, 10);
    ForklineRunner.run(config("image-filter:\n  filters: [grayscale]\n"), RunOptions.quiet());

    RunResult same =
        ForklineRunner.run(
            config("image-filter:\n  filters: [grayscale]\n"), RunOptions.quiet().withResume(true));
    assertEquals(1, same.carriedOver());
    RunResult changed =
        ForklineRunner.run(
            config("image-filter:\n  filters: [invert]\n"), RunOptions.quiet().withResume(true));

    assertEquals(0, changed.carriedOver());
    GenericRecord row = rowsBy(changed.table(), "input").get("a.png");
    assertEquals("invert", str(row, "filters"));
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

  /** in/: a.jpg, a link to it, a link to a photo outside in/, a link to a FIFO, a text file. */
  private void linkedInputs() throws Exception {
    Path in = dir.resolve("in");
    image(in.resolve("a.jpg"), "jpg", 32, 24);
    image(dir.resolve("elsewhere/b.jpg"), "jpg", 32, 24);
    Files.createSymbolicLink(in.resolve("inside.jpg"), in.resolve("a.jpg"));
    Files.createSymbolicLink(in.resolve("outside.jpg"), dir.resolve("elsewhere/b.jpg"));
    Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("pipe").toString()).start();
    assertEquals(0, mkfifo.waitFor());
    Files.createSymbolicLink(in.resolve("pipe.jpg"), dir.resolve("pipe"));
    Files.writeString(in.resolve("notes.txt"), "not an image");
  }

  @Test
  void linksOutsideTheInputOrToNoFileAreRowsThatSaySo() throws Exception {
    linkedInputs();
    RunResult result = ForklineRunner.run(config(""), RunOptions.quiet());

    Map<String, GenericRecord> rows = rowsBy(result.table(), "input");
    assertEquals(java.util.Set.of("a.jpg", "inside.jpg", "outside.jpg", "pipe.jpg"), rows.keySet());
    assertEquals("ok", str(rows.get("inside.jpg"), "status"));
    assertFailed(rows.get("outside.jpg"), "list", "io");
    assertTrue(
        str(rows.get("outside.jpg"), "failure_message").contains("outside the input folder"),
        str(rows.get("outside.jpg"), "failure_message"));
    assertFailed(rows.get("pipe.jpg"), "list", "io");
    assertTrue(
        str(rows.get("pipe.jpg"), "failure_message").contains("not a regular file"),
        str(rows.get("pipe.jpg"), "failure_message"));
  }

  @Test
  void followLinksReadsALinksPhotoOutsideTheInput() throws Exception {
    linkedInputs();
    RunResult result =
        ForklineRunner.run(config("image-filter:\n  follow-links: true\n"), RunOptions.quiet());

    Map<String, GenericRecord> rows = rowsBy(result.table(), "input");
    assertEquals("ok", str(rows.get("outside.jpg"), "status"));
    assertFailed(rows.get("pipe.jpg"), "list", "io");
  }

  @Test
  void filesNoIncludePatternMatchesAreCounted() throws Exception {
    linkedInputs();
    RunResult result = ForklineRunner.run(config(""), RunOptions.quiet());
    assertEquals(1, result.metrics().get(StageMetrics.EXCLUDED), "notes.txt");
    assertTrue(
        dev.forkline.pipelines.cli.RunSummaryAccess.render(result)
            .matches("(?s).*excluded +1 +files no image-filter.include pattern matched.*"),
        dev.forkline.pipelines.cli.RunSummaryAccess.render(result));
  }

  private static int[] pixels(Path file) throws java.io.IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
  }

  /** A valid PNG signature and IHDR claiming the given size, and nothing else: a tiny bomb. */
  private static byte[] pngHeader(int width, int height) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(33);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    b.putInt(13).put("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0);
    b.put((byte) 0);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(b.array(), 12, 17);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** Gives the JPEG at {@code jpeg} an EXIF block: Make, Orientation 6, a GPS position. */
  private static void withExif(Path jpeg) throws Exception {
    TiffOutputSet exif = new TiffOutputSet();
    exif.getOrCreateRootDirectory().add(TiffTagConstants.TIFF_TAG_MAKE, "Canon");
    exif.getOrCreateRootDirectory().add(TiffTagConstants.TIFF_TAG_ORIENTATION, (short) 6);
    exif.setGpsInDegrees(151.2, -33.9);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    new ExifRewriter().updateExifMetadataLossless(Files.readAllBytes(jpeg), out, exif);
    Files.write(jpeg, out.toByteArray());
  }

  private static void assertFailed(GenericRecord row, String stage, String kind) {
    assertEquals("failed", str(row, "status"), () -> row.toString());
    assertEquals(stage, str(row, "failure_stage"), () -> row.toString());
    assertEquals(kind, str(row, "failure_kind"), () -> row.toString());
    assertTrue(str(row, "failure_message") != null && !str(row, "failure_message").isBlank());
    assertNull(row.get("output_path"));
  }
}
