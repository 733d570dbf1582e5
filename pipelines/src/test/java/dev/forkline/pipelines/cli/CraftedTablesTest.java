package dev.forkline.pipelines.cli;

import static dev.forkline.pipelines.TestFiles.image;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.TestFiles;
import dev.forkline.pipelines.image.ImageFilterPipeline;
import dev.forkline.pipelines.table.CraftedParquet;
import dev.forkline.pipelines.table.ParquetFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken and hostile Parquet files handed to {@code inspect}, or left in the output folder for
 * {@code run --resume}: a one-line message naming the file and exit 2, never a stack trace (on the
 * CLI's stderr nor in the logs), and no class a file names is ever loaded.
 */
class CraftedTablesTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  private PrintStream systemErr;

  @BeforeEach
  void captureLogs() {
    systemErr = System.err;
    System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreLogs() {
    System.setErr(systemErr);
  }

  static List<CraftedParquet.Case> brokenFiles() {
    return CraftedParquet.brokenFiles();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFiles")
  void inspectOfABrokenFileExitsTwoWithOneLineNamingIt(CraftedParquet.Case broken)
      throws Exception {
    Path valid = ParquetFixtures.write(dir.resolve("valid.parquet"), ParquetFixtures.rows(200));
    Path file = broken.write(valid, dir.resolve("results.parquet"));

    int code = cli("inspect", file.toString());

    assertEquals(ExitCodes.USAGE, code, err.toString());
    assertOneLineWithoutStackTrace("forkline: " + file + ": ");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFiles")
  void resumeOverABrokenTableExitsTwoAndSaysToMoveItAway(CraftedParquet.Case broken)
      throws Exception {
    Path table = finishedRun();
    Path valid = Files.copy(table, dir.resolve("valid.parquet"));
    broken.write(valid, table);

    int code = cli("run", dir.resolve("config.yaml").toString(), "--resume", "--progress", "none");

    assertEquals(ExitCodes.USAGE, code, err.toString());
    assertOneLineWithoutStackTrace("forkline: --resume cannot use the earlier table: " + table);
    assertTrue(err.toString().contains("move it out of the output folder"), err.toString());
  }

  @Test
  void resumeOverATableOfOtherColumnsExitsTwoAndSaysWhichColumnIsMissing() throws Exception {
    Path table = finishedRun();
    Files.delete(table);
    ParquetFixtures.write(table, ParquetFixtures.rows(3));

    int code = cli("run", dir.resolve("config.yaml").toString(), "--resume", "--progress", "none");

    assertEquals(ExitCodes.USAGE, code, err.toString());
    assertOneLineWithoutStackTrace(
        "forkline: --resume cannot use the earlier table: "
            + table
            + ": not an image-filter table: no column 'input'");
  }

  @Test
  void inspectNeverLoadsAJavaClassTheFootersSchemaNames() throws Exception {
    Schema crafted = CraftedParquet.withJavaClass(ParquetFixtures.SCHEMA, "id");
    Path file =
        ParquetFixtures.write(
            dir.resolve("t.parquet"), crafted, CraftedParquet.as(crafted, ParquetFixtures.rows(3)));

    int code = cli("inspect", file.toString());

    assertEquals(ExitCodes.OK, code, err.toString());
    assertTrue(out.toString().startsWith(file + ": 3 rows, 6 columns"), out.toString());
    assertNull(System.getProperty(CraftedParquet.CANARY_PROPERTY));
  }

  @Test
  void resumeNeverLoadsAJavaClassTheEarlierTablesSchemaNames() throws Exception {
    Path table = finishedRun();
    rewrite(
        table,
        CraftedParquet.withJavaClass(
            new ImageFilterPipeline(dev.forkline.pipelines.config.ImageFilterSettings.defaults())
                .schema(),
            "input"));

    int code = cli("run", dir.resolve("config.yaml").toString(), "--resume", "--progress", "none");

    assertEquals(ExitCodes.OK, code, err.toString() + logs);
    assertNull(System.getProperty(CraftedParquet.CANARY_PROPERTY));
    assertTrue(out.toString().matches("(?s).*kept\\s+1\\s+ok in an earlier run.*"), out.toString());
  }

  @Test
  void resumeNeverLoadsTheClassTheEarlierTablesRecordIsNamedAfter() throws Exception {
    Path table = finishedRun();
    rewrite(
        table,
        CraftedParquet.namedAfterCanary(
            new ImageFilterPipeline(dev.forkline.pipelines.config.ImageFilterSettings.defaults())
                .schema()));

    int code = cli("run", dir.resolve("config.yaml").toString(), "--resume", "--progress", "none");

    assertEquals(ExitCodes.OK, code, err.toString() + logs);
    assertNull(System.getProperty(CraftedParquet.CANARY_PROPERTY));
    assertTrue(out.toString().matches("(?s).*kept\\s+1\\s+ok in an earlier run.*"), out.toString());
  }

  /** Runs image-filter over one image; returns its table. */
  private Path finishedRun() throws Exception {
    image(dir.resolve("in/a.png"), "png", 8, 8);
    Path config = TestFiles.config(dir, "pipeline: image-filter\ninput: in\noutput: out\n");
    assertEquals(ExitCodes.OK, cli("run", config.toString(), "--progress", "none"), err.toString());
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    logs.reset();
    return dir.resolve("out/manifest.parquet");
  }

  /** Writes the rows of {@code table} again, with {@code schema} in its footer. */
  private static void rewrite(Path table, Schema schema) throws Exception {
    List<GenericRecord> rows = CraftedParquet.as(schema, TestFiles.rows(table));
    Files.delete(table);
    ParquetFixtures.write(table, schema, rows);
  }

  private int cli(String... args) {
    return ForklineCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private void assertOneLineWithoutStackTrace(String start) {
    String message = err.toString();
    assertTrue(message.startsWith(start), message);
    assertEquals(1, message.lines().count(), message);
    String logged = logs.toString(StandardCharsets.UTF_8);
    assertFalse(logged.contains("\tat "), logged);
    assertEquals("", out.toString());
  }
}
