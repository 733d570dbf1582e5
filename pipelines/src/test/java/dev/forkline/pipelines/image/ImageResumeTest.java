package dev.forkline.pipelines.image;

import static dev.forkline.pipelines.TestFiles.image;
import static dev.forkline.pipelines.TestFiles.rowsBy;
import static dev.forkline.pipelines.TestFiles.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.forkline.pipelines.TestFiles;
import dev.forkline.pipelines.config.ConfigLoader;
import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.exec.StageMetrics;
import dev.forkline.pipelines.run.ForklineRunner;
import dev.forkline.pipelines.run.RunOptions;
import dev.forkline.pipelines.run.RunResult;
import dev.forkline.pipelines.table.PartWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --resume} of image-filter keeps an earlier row only for the same input and output. */
class ImageResumeTest {
  @TempDir Path dir;

  /** The listing these runs use: {@code SplitImageResumeTest} runs them split. */
  String listing() {
    return "single";
  }

  private ForklineConfig config(String input, String extra) throws Exception {
    Path file =
        TestFiles.config(
            dir,
            "pipeline: image-filter\ninput: "
                + input
                + "\noutput: out\nlisting: "
                + listing()
                + "\n"
                + extra);
    return ConfigLoader.load(file, List.of(), dir);
  }

  private static RunResult resume(ForklineConfig config) {
    return ForklineRunner.run(config, RunOptions.quiet().withResume(true));
  }

  @Test
  void anotherInputFolderWithTheSameNamesIsRedone() throws Exception {
    image(dir.resolve("in/a.png"), "png", 10, 10);
    image(dir.resolve("in/b.png"), "png", 12, 10);
    image(dir.resolve("other/a.png"), "png", 20, 20);
    image(dir.resolve("other/b.png"), "png", 22, 20);
    ForklineRunner.run(config("in", ""), RunOptions.quiet());

    RunResult second = resume(config("other", ""));

    Map<String, GenericRecord> rows = rowsBy(second.table(), "input");
    assertEquals(0, second.carriedOver());
    assertEquals(2, second.metrics().get(StageMetrics.RESUME_REDONE));
    assertEquals(20, rows.get("a.png").get("width_in"));
    assertEquals(22, rows.get("b.png").get("width_in"));
    assertEquals(
        dir.resolve("other/a.png").toRealPath().toString(), str(rows.get("a.png"), "input_path"));
  }

  @Test
  void aFileReplacedInPlaceIsRedone() throws Exception {
    Path a = image(dir.resolve("in/a.png"), "png", 10, 10);
    image(dir.resolve("in/b.png"), "png", 12, 10);
    ForklineConfig config = config("in", "");
    ForklineRunner.run(config, RunOptions.quiet());
    image(a, "png", 30, 30);
    Files.setLastModifiedTime(
        a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis() + 5000));

    RunResult second = resume(config);

    Map<String, GenericRecord> rows = rowsBy(second.table(), "input");
    assertEquals(1, second.carriedOver());
    assertEquals(1, second.metrics().get(StageMetrics.RESUME_REDONE));
    assertEquals(30, rows.get("a.png").get("width_in"));
  }

  @Test
  void contentCheckRedoesAFileChangedWithItsSizeAndTimeKept() throws Exception {
    Path a = image(dir.resolve("in/a.png"), "png", 10, 10);
    ForklineConfig config = config("in", "image-filter:\n  resume-check: content\n");
    RunResult first = ForklineRunner.run(config, RunOptions.quiet());
    String sha = str(rowsBy(first.table(), "input").get("a.png"), "input_sha256");
    assertNotNull(sha);
    FileTime time = Files.getLastModifiedTime(a);
    byte[] bytes = Files.readAllBytes(a);
    bytes[bytes.length - 20] ^= 1; // same size; a CRC no longer matches, so it fails to decode
    Files.write(a, bytes);
    Files.setLastModifiedTime(a, time);

    RunResult byTime = resume(config("in", ""));
    assertEquals(1, byTime.carriedOver());
    RunResult byContent = resume(config);

    assertEquals(0, byContent.carriedOver());
    assertNotEquals(sha, str(rowsBy(byContent.table(), "input").get("a.png"), "input_sha256"));
  }

  @Test
  void anOutputOverwrittenSinceItsRowIsRedone() throws Exception {
    image(dir.resolve("in/a.png"), "png", 10, 10);
    image(dir.resolve("in/b.png"), "png", 12, 10);
    ForklineConfig config = config("in", "");
    ForklineRunner.run(config, RunOptions.quiet());
    Path output = dir.resolve("out/images/a.png");
    image(output, "png", 40, 40); // what a killed run with other settings left

    RunResult second = resume(config);

    assertEquals(1, second.carriedOver());
    GenericRecord row = rowsBy(second.table(), "input").get("a.png");
    assertEquals(Files.size(output), (Long) row.get("bytes_out"));
    assertEquals(10, javax.imageio.ImageIO.read(output.toFile()).getWidth());
  }

  @Test
  void anEmptiedOutputIsRedone() throws Exception {
    image(dir.resolve("in/a.png"), "png", 10, 10);
    ForklineConfig config = config("in", "");
    ForklineRunner.run(config, RunOptions.quiet());
    Files.write(dir.resolve("out/images/a.png"), new byte[0]); // a power cut before its fsync

    RunResult second = resume(config);

    assertEquals(0, second.carriedOver());
    assertNotEquals(0L, Files.size(dir.resolve("out/images/a.png")));
  }

  @Test
  void rowsOfInputsNoLongerIncludedAreDropped() throws Exception {
    image(dir.resolve("in/a.png"), "png", 10, 10);
    image(dir.resolve("in/b.jpg"), "jpg", 10, 10);
    image(dir.resolve("in/c.jpg"), "jpg", 10, 10);
    ForklineRunner.run(config("in", ""), RunOptions.quiet());

    RunResult second = resume(config("in", "image-filter:\n  include: ['**.png']\n"));

    assertEquals(Set.of("a.png"), rowsBy(second.table(), "input").keySet());
    assertEquals(1, second.carriedOver());
    assertEquals(2, second.metrics().get(StageMetrics.RESUME_DROPPED));
  }

  @Test
  void aTableOfAnEarlierVersionWithoutInputIdentitiesIsRedoneNotRefused() throws Exception {
    image(dir.resolve("in/a.png"), "png", 10, 10);
    ForklineConfig config = config("in", "");
    RunResult first = ForklineRunner.run(config, RunOptions.quiet());
    GenericRecord row = TestFiles.rows(first.table()).get(0);
    org.apache.avro.SchemaBuilder.FieldAssembler<org.apache.avro.Schema> fields =
        org.apache.avro.SchemaBuilder.record("ImageManifestRow")
            .namespace("dev.forkline.image")
            .fields();
    for (org.apache.avro.Schema.Field f : row.getSchema().getFields()) {
      if (!f.name().startsWith("input_") || f.name().equals("input_path")) {
        fields = fields.name(f.name()).type(f.schema()).noDefault();
      }
    }
    org.apache.avro.Schema old = fields.endRecord();
    GenericRecord oldRow = new GenericData.Record(old);
    for (org.apache.avro.Schema.Field f : old.getFields()) {
      oldRow.put(f.name(), row.get(f.name()));
    }
    Files.delete(first.table());
    PartWriter writer = PartWriter.at(first.table(), old);
    writer.write(oldRow);
    writer.finish();

    RunResult second = resume(config);

    assertEquals(0, second.carriedOver());
    assertEquals(1, second.metrics().get(StageMetrics.RESUME_REDONE));
    assertNotNull(str(rowsBy(second.table(), "input").get("a.png"), "input_modified"));
  }

  @Test
  void aNewFileTakingAKeptRowsOutputNameNeverLeavesTwoRowsOnOneFile() throws Exception {
    for (int i = 0; i < 8; i++) {
      image(dir.resolve("in/p" + i + ".jpg"), "jpg", 10, 10);
    }
    ForklineConfig config = config("in", "image-filter:\n  format: png\n");
    ForklineRunner.run(config, RunOptions.quiet());
    for (int i = 0; i < 8; i++) {
      image(dir.resolve("in/p" + i + ".png"), "png", 30, 20); // same output name: p<i>.png
    }

    RunResult second = resume(config);

    Map<String, String> owners = new java.util.HashMap<>();
    for (GenericRecord row : TestFiles.rows(second.table())) {
      if (!"ok".equals(str(row, "status"))) {
        assertEquals("conflict", str(row, "failure_kind"), str(row, "input"));
        continue;
      }
      String output = str(row, "output_path");
      assertEquals(null, owners.put(output, str(row, "input")), "two ok rows for " + output);
      assertEquals(Files.size(Path.of(output)), (Long) row.get("bytes_out"), output);
    }
    assertEquals(8, owners.size());
  }

  @Test
  void anEarlierTableWithTwoRowsForOneKeyGivesOneRow() throws Exception {
    image(dir.resolve("in/a.png"), "png", 10, 10);
    ForklineConfig config = config("in", "");
    RunResult first = ForklineRunner.run(config, RunOptions.quiet());
    GenericRecord row = TestFiles.rows(first.table()).get(0);
    GenericRecord older = new GenericData.Record((GenericData.Record) row, true);
    older.put("processed_at", "2001-01-01T00:00:00Z");
    older.put("width_in", 999);
    Path table = first.table();
    Files.delete(table);
    PartWriter writer = PartWriter.at(table, row.getSchema());
    writer.write(row); // the newer first: not simply the last row of a key wins
    writer.write(older);
    writer.finish();

    RunResult second = resume(config);

    assertEquals(1, TestFiles.rows(second.table()).size());
    assertEquals(10, rowsBy(second.table(), "input").get("a.png").get("width_in"));
  }
}
