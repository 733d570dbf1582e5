package dev.forkline.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.UsageException;
import dev.forkline.pipelines.table.ParquetFixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InspectCommandTest {
  @TempDir Path dir;

  @Test
  void printsTheCountsThenAnAlignedTable() throws IOException {
    Path file =
        write(
            List.of(
                ParquetFixtures.row("a", null, 7, 1.5, List.of("x", "y"), Map.of("k", "v")),
                ParquetFixtures.row("bb", "hello", 12345, -0.25, List.of(), Map.of())));

    String out = run(file.toString());

    assertEquals(
        lines(
            file + ": 2 rows, 6 columns (showing 2)",
            "id  note   attempts  score  tags    labels",
            "--  -----  --------  -----  ------  ------",
            "a                 7    1.5  [x, y]  {k=v}",
            "bb  hello     12345  -0.25  []      {}"),
        out);
  }

  @Test
  void showsTwentyRowsByDefault() throws IOException {
    Path file = write(ParquetFixtures.rows(30));

    List<String> out = run(file.toString()).lines().toList();

    assertEquals(file + ": 30 rows, 6 columns (showing 20)", out.get(0));
    assertEquals(3 + 20, out.size());
    assertTrue(out.get(out.size() - 1).startsWith("r19 "), out.get(out.size() - 1));
  }

  @Test
  void limitShowsOnlyTheFirstNRows() throws IOException {
    Path file = write(ParquetFixtures.rows(30));

    List<String> out = run(file.toString(), "--limit", "3").lines().toList();

    assertEquals(file + ": 30 rows, 6 columns (showing 3)", out.get(0));
    assertEquals(List.of("r0", "r1", "r2"), firstWords(out.subList(3, out.size())));
  }

  @Test
  void limitZeroPrintsOnlyTheCounts() throws IOException {
    Path file = write(ParquetFixtures.rows(1_234));

    assertEquals(lines(file + ": 1,234 rows, 6 columns"), run(file.toString(), "--limit", "0"));
  }

  @Test
  void negativeLimitIsAUsageError() throws IOException {
    Path file = write(ParquetFixtures.rows(3));

    UsageException e =
        assertThrows(UsageException.class, () -> run(file.toString(), "--limit", "-1"));

    assertEquals("--limit must be 0 or more (0 prints only the counts), not -1", e.getMessage());
  }

  @Test
  void limitReadsOnlyTheRowsItShows() throws IOException {
    Path file = ParquetFixtures.write(dir.resolve("t.parquet"), ParquetFixtures.rows(2_000), 8_192);
    List<BlockMetaData> rowGroups;
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()),
                new org.apache.hadoop.conf.Configuration(false)))) {
      rowGroups = reader.getRowGroups();
    }
    assertTrue(rowGroups.size() > 2, "the test needs several row groups: " + rowGroups.size());
    BlockMetaData last = rowGroups.get(rowGroups.size() - 1);
    byte[] garbage = new byte[(int) last.getCompressedSize()];
    Arrays.fill(garbage, (byte) 0xff);
    try (var channel = Files.newByteChannel(file, StandardOpenOption.WRITE)) {
      channel.position(last.getStartingPos()).write(java.nio.ByteBuffer.wrap(garbage));
    }

    String out = run(file.toString(), "--limit", "5");

    assertTrue(out.startsWith(file + ": 2,000 rows, 6 columns (showing 5)\n"), out);
    UsageException e =
        assertThrows(UsageException.class, () -> run(file.toString(), "--limit", "2000"));
    assertTrue(e.getMessage().startsWith(file + ": cannot read row "), e.getMessage());
  }

  @Test
  void schemaPrintsEachColumnWithItsTypeAndTheRowCount() throws IOException {
    Path file = write(ParquetFixtures.rows(5));

    String out = run(file.toString(), "--schema");

    assertEquals(
        lines(
            file + ": 5 rows, 6 columns",
            "column    type",
            "--------  ------------------",
            "id        string",
            "note      string?",
            "attempts  long",
            "score     double",
            "tags      list<string>",
            "labels    map<string,string>"),
        out);
  }

  @Test
  void columnsShowsOnlyThoseColumnsInThatOrder() throws IOException {
    Path file = write(ParquetFixtures.rows(2));

    String out = run(file.toString(), "--columns", "attempts,id");

    assertEquals(
        lines(
            file + ": 2 rows, 6 columns (showing 2)",
            "attempts  id",
            "--------  --",
            "       0  r0",
            "       1  r1"),
        out);
  }

  @Test
  void unknownColumnListsTheColumns() throws IOException {
    Path file = write(ParquetFixtures.rows(2));

    UsageException e =
        assertThrows(UsageException.class, () -> run(file.toString(), "--columns", "id,stat"));

    assertEquals(
        file
            + ": no column 'stat' (in --columns); the columns are: "
            + "id, note, attempts, score, tags, labels",
        e.getMessage());
  }

  @Test
  void whereKeepsOnlyRowsWhoseColumnEqualsTheValue() throws IOException {
    Path file = write(ParquetFixtures.rows(30));

    List<String> out = run(file.toString(), "--where", "note=note 4").lines().toList();

    assertEquals(file + ": 30 rows, 6 columns; 1 where note=note 4 (showing 1)", out.get(0));
    assertEquals(List.of("r4"), firstWords(out.subList(3, out.size())));
  }

  @Test
  void repeatedWhereRequiresAll() throws IOException {
    Path file = write(ParquetFixtures.rows(30));

    List<String> out =
        run(file.toString(), "--where", "note=", "--where", "attempts=3", "--columns", "id")
            .lines()
            .toList();

    assertEquals(
        file + ": 30 rows, 6 columns; 1 where note= and attempts=3 (showing 1)", out.get(0));
    assertEquals(List.of("r3"), firstWords(out.subList(3, out.size())));
  }

  @Test
  void whereWithLimitZeroCountsTheMatchingRows() throws IOException {
    Path file = write(ParquetFixtures.rows(30));

    String out = run(file.toString(), "--where", "note=", "--limit", "0");

    assertEquals(lines(file + ": 30 rows, 6 columns; 10 where note="), out);
  }

  @Test
  void whereOnAnUnknownColumnListsTheColumns() throws IOException {
    Path file = write(ParquetFixtures.rows(2));

    UsageException e =
        assertThrows(UsageException.class, () -> run(file.toString(), "--where", "status=failed"));

    assertEquals(
        file
            + ": no column 'status' (in --where); the columns are: "
            + "id, note, attempts, score, tags, labels",
        e.getMessage());
  }

  @Test
  void longCellsAreCutTo40Characters() throws IOException {
    Path file = write(List.of(ParquetFixtures.row("a", "x".repeat(60), 1, 1, List.of(), Map.of())));

    String out = run(file.toString(), "--columns", "note");

    assertEquals("x".repeat(39) + "…", out.lines().toList().get(3));
  }

  @Test
  void wideKeepsLongCellsWhole() throws IOException {
    Path file = write(List.of(ParquetFixtures.row("a", "x".repeat(60), 1, 1, List.of(), Map.of())));

    String out = run(file.toString(), "--columns", "note", "--wide");

    assertEquals("x".repeat(60), out.lines().toList().get(3));
  }

  @Test
  void newlinesAndTabsInCellsAreEscaped() throws IOException {
    Path file =
        write(List.of(ParquetFixtures.row("a", "one\ntwo\tthree", 1, 1, List.of(), Map.of())));

    String out = run(file.toString(), "--columns", "id,note");

    assertEquals(
        lines(
            file + ": 1 row, 6 columns (showing 1)",
            "id  note",
            "--  ---------------",
            "a   one\\ntwo\\tthree"),
        out);
  }

  @Test
  void missingFileIsAUsageError() {
    Path file = dir.resolve("nope.parquet");

    UsageException e = assertThrows(UsageException.class, () -> run(file.toString()));

    assertEquals(file + ": no such file", e.getMessage());
  }

  @Test
  void textFileIsNotParquet() throws IOException {
    Path file = Files.writeString(dir.resolve("results.parquet"), "this is not parquet\n");

    UsageException e = assertThrows(UsageException.class, () -> run(file.toString()));

    assertEquals(file + ": not a Parquet file (no PAR1 magic at the start)", e.getMessage());
  }

  @Test
  void truncatedFileIsNotParquetAndMayBeStillBeingWritten() throws IOException {
    byte[] bytes = Files.readAllBytes(write(ParquetFixtures.rows(50)));
    Path cut = Files.write(dir.resolve("cut.parquet"), Arrays.copyOf(bytes, bytes.length - 100));

    UsageException e = assertThrows(UsageException.class, () -> run(cut.toString(), "--schema"));

    assertEquals(
        cut
            + ": not a Parquet file (no PAR1 magic at the end; is the run still writing it, or"
            + " was it interrupted?)",
        e.getMessage());
  }

  @Test
  void runsThroughPicocliAndPrintsToItsOut() throws IOException {
    Path file = write(ParquetFixtures.rows(3));
    CommandLine cmd = new CommandLine(new InspectCommand());
    StringWriter out = new StringWriter();
    cmd.setOut(new PrintWriter(out));

    int exitCode = cmd.execute(file.toString(), "--limit=1");

    assertEquals(ExitCodes.OK, exitCode);
    assertTrue(out.toString().startsWith(file + ": 3 rows, 6 columns (showing 1)"), out.toString());
    assertFalse(out.toString().contains("r1"), out.toString());
  }

  private Path write(List<GenericRecord> rows) throws IOException {
    return ParquetFixtures.write(dir.resolve("t.parquet"), rows);
  }

  /** Parses {@code args} as picocli would, then calls the command so exceptions reach the test. */
  private static String run(String... args) {
    InspectCommand command = new InspectCommand();
    CommandLine cmd = new CommandLine(command);
    StringWriter out = new StringWriter();
    cmd.setOut(new PrintWriter(out));
    cmd.parseArgs(args);
    assertEquals(ExitCodes.OK, command.call());
    return out.toString();
  }

  private static String lines(String... lines) {
    return String.join(System.lineSeparator(), lines) + System.lineSeparator();
  }

  private static List<String> firstWords(List<String> lines) {
    return lines.stream().map(line -> line.split(" ", 2)[0]).toList();
  }
}
