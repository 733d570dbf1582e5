package dev.forkline.pipelines.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PartWriter: the file ParquetIO's sink writes, to the byte, without touching the rows. */
class PartWriterTest {
  @TempDir Path dir;

  /** Rows with java.lang.String values (as pipelines make them), nulls, lists and maps. */
  private static List<GenericRecord> rows(int n) {
    List<GenericRecord> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<String> tags = new ArrayList<>();
      for (int t = 0; t < i % 7; t++) {
        tags.add("https://example.org/ä/" + (i * 31 + t) % 50);
      }
      rows.add(
          ParquetFixtures.row(
              "r" + i, i % 3 == 0 ? null : "note é " + i, i, i / 2.0, tags, Map.of("k", "v" + i)));
    }
    return rows;
  }

  private Path viaParquetIo(List<GenericRecord> rows) throws Exception {
    Path file = dir.resolve("parquetio.parquet");
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ParquetIO.Sink sink = ParquetIO.sink(ParquetFixtures.SCHEMA);
      sink.open(channel);
      for (GenericRecord row : rows) {
        sink.write(row);
      }
      sink.flush();
    }
    return file;
  }

  /** Rows whose notes (1 KiB each, all different) overflow the dictionary into data pages. */
  private static List<GenericRecord> bigRows(int n) {
    List<GenericRecord> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String note = ("note " + i + " ").repeat(200).substring(0, 1024);
      rows.add(ParquetFixtures.row("r" + i, note, i, i / 2.0, List.of("t"), Map.of("k", "v")));
    }
    return rows;
  }

  @Test
  void writesTheSameBytesAsParquetIosSink() throws Exception {
    // Each column under one page: PartWriter's pages are 64 KiB, the sink's 1 MiB.
    List<GenericRecord> rows = rows(500);
    PartWriter writer = PartWriter.create(dir.resolve("parts"), ParquetFixtures.SCHEMA);
    for (GenericRecord row : rows) {
      writer.write(row);
    }
    Path part = writer.finish();
    assertEquals(500, writer.rows());
    assertArrayEquals(Files.readAllBytes(viaParquetIo(rows)), Files.readAllBytes(part));
  }

  @Test
  void writesSmallDataPages() throws Exception {
    PartWriter writer = PartWriter.at(dir.resolve("t.parquet"), ParquetFixtures.SCHEMA);
    for (GenericRecord row : bigRows(2000)) { // 2 MB of notes
      writer.write(row);
    }
    Path file = writer.finish();
    try (ParquetFileReader reader = ParquetFileReader.open(ParquetTables.inputFile(file))) {
      BlockMetaData block = reader.getFooter().getBlocks().get(0);
      ColumnChunkMetaData notes =
          block.getColumns().stream()
              .filter(c -> c.getPath().toDotString().equals("note"))
              .findFirst()
              .orElseThrow();
      int pages = reader.readOffsetIndex(notes).getPageCount();
      // Parquet checks a page's size every 100 rows or more: about 100 KiB pages here; 1 MiB pages
      // would make 2 or 3.
      assertTrue(pages >= 15 && pages <= 40, pages + " pages for 2 MB of notes");
    }
  }

  @Test
  void readsBackEveryValue() throws Exception {
    List<GenericRecord> rows = rows(50);
    PartWriter writer = PartWriter.at(dir.resolve("t.parquet"), ParquetFixtures.SCHEMA);
    for (GenericRecord row : rows) {
      writer.write(row);
    }
    Path file = writer.finish();
    List<String> read = new ArrayList<>();
    ParquetTables.forEach(
        file, r -> read.add(r.get("id") + "|" + r.get("note") + "|" + r.get("tags")));
    List<String> expected = new ArrayList<>();
    for (GenericRecord r : rows) {
      expected.add(r.get("id") + "|" + r.get("note") + "|" + r.get("tags"));
    }
    assertEquals(expected, read);
  }

  @Test
  void leavesTheRowsStringsAsTheyWere() throws Exception {
    GenericRecord row = rows(4).get(3);
    PartWriter writer = PartWriter.at(dir.resolve("t.parquet"), ParquetFixtures.SCHEMA);
    writer.write(row);
    writer.finish();
    assertInstanceOf(String.class, row.get("id"));
    assertInstanceOf(String.class, ((List<?>) row.get("tags")).get(0));
  }

  @Test
  void anEmptyPartIsAValidTable() throws Exception {
    Path file = PartWriter.at(dir.resolve("empty.parquet"), ParquetFixtures.SCHEMA).finish();
    assertEquals(0, ParquetTables.rowCount(file));
    assertEquals(ParquetFixtures.SCHEMA, ParquetTables.schema(file));
  }

  @Test
  void discardDeletesThePart() throws Exception {
    PartWriter writer = PartWriter.create(dir.resolve("parts"), ParquetFixtures.SCHEMA);
    writer.write(rows(1).get(0));
    assertTrue(Files.exists(writer.path()));
    writer.discard();
    assertFalse(Files.exists(writer.path()));
  }

  @Test
  void discardingAFinishedPartKeepsIt() throws Exception {
    PartWriter writer = PartWriter.create(dir.resolve("parts"), ParquetFixtures.SCHEMA);
    writer.write(rows(1).get(0));
    Path part = writer.finish();
    writer.discard();
    assertEquals(1, ParquetTables.rowCount(part));
    assertThrows(IllegalStateException.class, () -> writer.write(rows(1).get(0)));
  }

  @Test
  void anUnpairedSurrogateIsWrittenAsAQuestionMark() throws Exception {
    // Half of an emoji, as a cut string leaves it: ParquetIO's sink throws on it.
    String broken = "cut \uD83D";
    GenericRecord row =
        ParquetFixtures.row("r1", broken, 1, 1.0, List.of("x" + broken), Map.of("k", "v"));
    PartWriter writer = PartWriter.at(dir.resolve("t.parquet"), ParquetFixtures.SCHEMA);
    writer.write(row);
    Path file = writer.finish();
    List<String> notes = new ArrayList<>();
    ParquetTables.forEach(file, r -> notes.add(r.get("note") + "|" + r.get("tags")));
    assertEquals(List.of("cut ?|[xcut ?]"), notes);
  }

  @Test
  void neverOverwritesAFile() throws Exception {
    Path file = Files.writeString(dir.resolve("t.parquet"), "keep");
    assertThrows(
        FileAlreadyExistsException.class, () -> PartWriter.at(file, ParquetFixtures.SCHEMA));
    assertEquals("keep", Files.readString(file));
  }
}
