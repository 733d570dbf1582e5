package dev.forkline.pipelines.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.UsageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ParquetTablesTest {
  @TempDir Path dir;

  @Test
  void schemaIsTheWritersAvroSchema() throws IOException {
    Path file = ParquetFixtures.write(dir.resolve("t.parquet"), ParquetFixtures.rows(3));

    assertEquals(ParquetFixtures.SCHEMA, ParquetTables.schema(file));
  }

  @Test
  void rowCountComesFromTheFooterWithoutReadingRows() throws IOException {
    Path file = ParquetFixtures.write(dir.resolve("t.parquet"), ParquetFixtures.rows(1_000), 8_192);
    // Wipe every byte of row data: only the magic and the footer are left intact.
    byte[] bytes = Files.readAllBytes(file);
    int footerLength =
        ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    Arrays.fill(bytes, 4, bytes.length - 8 - footerLength, (byte) 0);
    Files.write(file, bytes);

    assertEquals(1_000, ParquetTables.rowCount(file));
  }

  @Test
  void forEachStreamsEveryRowInOrder() throws IOException {
    Path file = ParquetFixtures.write(dir.resolve("t.parquet"), ParquetFixtures.rows(250), 8_192);
    List<String> ids = new ArrayList<>();

    ParquetTables.forEach(file, row -> ids.add(row.get("id").toString()));

    assertEquals(250, ids.size());
    assertEquals("r0", ids.get(0));
    assertEquals("r249", ids.get(249));
  }

  @Test
  void rowsKeepTheirValues() throws IOException {
    GenericRecord written =
        ParquetFixtures.row("a", null, 7, 1.5, List.of("x", "y"), Map.of("k", "v"));
    Path file = ParquetFixtures.write(dir.resolve("t.parquet"), List.of(written));

    try (ParquetTables.Rows rows = ParquetTables.open(file)) {
      GenericRecord row = rows.next();
      assertEquals(
          "{id=a, note=null, attempts=7, score=1.5, tags=[x, y], labels={k=v}}",
          AvroText.format(row, row.getSchema()));
      assertFalse(rows.hasNext());
    }
  }

  @Test
  void openWithColumnsReadsOnlyThoseColumns() throws IOException {
    Path file = ParquetFixtures.write(dir.resolve("t.parquet"), ParquetFixtures.rows(2));

    try (ParquetTables.Rows rows = ParquetTables.open(file, List.of("attempts", "id"))) {
      GenericRecord row = rows.next();
      assertEquals("{attempts=0, id=r0}", AvroText.format(row, row.getSchema()));
    }
  }

  @Test
  void openWithAnUnknownColumnListsTheColumns() throws IOException {
    Path file = ParquetFixtures.write(dir.resolve("t.parquet"), ParquetFixtures.rows(2));

    UsageException e =
        assertThrows(UsageException.class, () -> ParquetTables.open(file, List.of("nope")));

    assertEquals(
        file + ": no column 'nope'; the columns are: id, note, attempts, score, tags, labels",
        e.getMessage());
  }

  @Test
  void missingFileIsAUsageError() {
    Path file = dir.resolve("missing.parquet");

    UsageException e = assertThrows(UsageException.class, () -> ParquetTables.schema(file));

    assertEquals(file + ": no such file", e.getMessage());
  }

  @Test
  void directoryIsAUsageErrorNamingTheParquetFilesInIt() throws IOException {
    Path out = Files.createDirectory(dir.resolve("out"));
    ParquetFixtures.write(out.resolve("output-00000-of-00001.parquet"), ParquetFixtures.rows(1));

    UsageException e = assertThrows(UsageException.class, () -> ParquetTables.rowCount(out));

    assertEquals(
        out + ": is a directory, not a Parquet file (in it: output-00000-of-00001.parquet)",
        e.getMessage());
  }

  @Test
  void textFileIsNotParquet() throws IOException {
    Path file = Files.writeString(dir.resolve("notes.parquet"), "id,status\nr1,ok\nr2,failed\n");

    UsageException e = assertThrows(UsageException.class, () -> ParquetTables.schema(file));

    assertEquals(file + ": not a Parquet file (no PAR1 magic at the start)", e.getMessage());
  }

  @Test
  void truncatedFileSaysItMayStillBeBeingWritten() throws IOException {
    Path whole = ParquetFixtures.write(dir.resolve("whole.parquet"), ParquetFixtures.rows(50));
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = Files.write(dir.resolve("cut.parquet"), Arrays.copyOf(bytes, bytes.length - 100));

    UsageException e = assertThrows(UsageException.class, () -> ParquetTables.rowCount(cut));

    assertEquals(
        cut
            + ": not a Parquet file (no PAR1 magic at the end; is the run still writing it,"
            + " or was it interrupted?)",
        e.getMessage());
  }

  @Test
  void emptyFileIsNotParquet() throws IOException {
    Path file = Files.write(dir.resolve("empty.parquet"), new byte[0]);

    UsageException e = assertThrows(UsageException.class, () -> ParquetTables.open(file));

    assertEquals(
        file + ": not a Parquet file (empty; is the run still writing it, or was it interrupted?)",
        e.getMessage());
  }

  @Test
  void corruptFooterIsAUsageError() throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(120).order(ByteOrder.LITTLE_ENDIAN);
    bytes.put("PAR1".getBytes(StandardCharsets.US_ASCII));
    while (bytes.position() < 112) {
      bytes.put((byte) 0x7f);
    }
    bytes.putInt(50).put("PAR1".getBytes(StandardCharsets.US_ASCII));
    Path file = Files.write(dir.resolve("bad.parquet"), bytes.array());

    UsageException e = assertThrows(UsageException.class, () -> ParquetTables.schema(file));

    assertTrue(
        e.getMessage()
            .startsWith(
                file + ": cannot read the Parquet footer (corrupt or incomplete Parquet file?)"),
        e.getMessage());
  }

  static List<CraftedParquet.Case> brokenFiles() {
    return CraftedParquet.brokenFiles();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFiles")
  void brokenFileIsAOneLineUsageErrorNamingTheFile(CraftedParquet.Case broken) throws IOException {
    Path valid = ParquetFixtures.write(dir.resolve("valid.parquet"), ParquetFixtures.rows(200));
    Path file = broken.write(valid, dir.resolve("broken.parquet"));

    UsageException e =
        assertThrows(
            UsageException.class,
            () -> {
              ParquetTables.footer(file);
              ParquetTables.forEach(file, row -> {});
            });

    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }

  @Test
  void javaClassInTheFootersSchemaIsNeverLoaded() throws IOException {
    Schema crafted = CraftedParquet.withJavaClass(ParquetFixtures.SCHEMA, "id");
    Path file =
        ParquetFixtures.write(
            dir.resolve("t.parquet"), crafted, CraftedParquet.as(crafted, ParquetFixtures.rows(3)));

    List<String> ids = new ArrayList<>();
    ParquetTables.forEach(file, row -> ids.add(row.get("id").toString()));

    assertEquals(List.of("r0", "r1", "r2"), ids);
    assertNull(System.getProperty(CraftedParquet.CANARY_PROPERTY));
  }

  @Test
  void recordNamedAfterAClassIsReadAsAGenericRecord() throws IOException {
    Schema crafted = CraftedParquet.namedAfterCanary(ParquetFixtures.SCHEMA);
    Path file =
        ParquetFixtures.write(
            dir.resolve("t.parquet"), crafted, CraftedParquet.as(crafted, ParquetFixtures.rows(3)));

    List<GenericRecord> rows = new ArrayList<>();
    ParquetTables.forEach(file, rows::add);

    assertEquals(3, rows.size());
    assertNull(System.getProperty(CraftedParquet.CANARY_PROPERTY));
  }
}
