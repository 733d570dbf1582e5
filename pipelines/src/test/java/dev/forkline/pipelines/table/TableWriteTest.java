package dev.forkline.pipelines.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TableWrite: every row once in one Parquet file, from one bundle or many. */
class TableWriteTest {
  @TempDir Path dir;

  private static Pipeline pipeline() {
    DirectOptions options = PipelineOptionsFactory.as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    options.setTargetParallelism(4);
    return Pipeline.create(options);
  }

  private static Set<String> ids(Path table) {
    Set<String> ids = new HashSet<>();
    List<String> all = new ArrayList<>();
    ParquetTables.forEach(table, r -> all.add(r.get("id").toString()));
    ids.addAll(all);
    assertEquals(all.size(), ids.size(), "a row written twice");
    return ids;
  }

  private static Set<String> expectedIds(int n) {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < n; i++) {
      ids.add("r" + i);
    }
    return ids;
  }

  private static PCollection<GenericRecord> rows(
      Pipeline p, String name, List<GenericRecord> rows) {
    return p.apply(
        name, Create.of(rows).withCoder(AvroCoder.of(GenericRecord.class, ParquetFixtures.SCHEMA)));
  }

  @Test
  void rowsFromSeveralSourcesLandInOneFile() {
    Pipeline p = pipeline();
    List<GenericRecord> all = ParquetFixtures.rows(3000);
    // Three inputs flattened: at least three bundles, so at least three parts to merge.
    PCollection<GenericRecord> rows =
        PCollectionList.of(rows(p, "A", all.subList(0, 1000)))
            .and(rows(p, "B", all.subList(1000, 2000)))
            .and(rows(p, "C", all.subList(2000, 3000)))
            .apply(Flatten.pCollections());
    rows.apply(TableWrite.to(dir, "t.parquet", ParquetFixtures.SCHEMA));
    p.run().waitUntilFinish();

    Path table = dir.resolve("t.parquet");
    assertEquals(expectedIds(3000), ids(table));
    assertEquals(ParquetFixtures.SCHEMA, ParquetTables.schema(table));
    assertEquals(3000, ParquetTables.rowCount(table));
  }

  @Test
  void mergeAppendsThePartsAndDeletesThem() throws IOException {
    List<GenericRecord> all = ParquetFixtures.rows(30);
    Path parts = Files.createDirectories(dir.resolve("parts"));
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      files.add(
          ParquetFixtures.write(
              parts.resolve("part-" + i + ".parquet"), all.subList(10 * i, 10 * i + 10)));
    }
    Path table = dir.resolve("t.parquet");
    TableWrite.merge(files, table);

    assertEquals(expectedIds(30), ids(table));
    assertEquals(ParquetFixtures.SCHEMA, ParquetTables.schema(table));
    GenericRecord first = ParquetTables.open(table).next();
    assertEquals("r0", first.get("id").toString(), "the parts in their order");
    try (Stream<Path> left = Files.list(parts)) {
      assertEquals(0, left.count(), "parts left behind");
    }
  }

  @Test
  void oneBundleIsRenamedIntoPlace() throws IOException {
    Path parts = Files.createDirectories(dir.resolve("parts"));
    Path part = ParquetFixtures.write(parts.resolve("part-0.parquet"), ParquetFixtures.rows(5));
    Path table = dir.resolve("t.parquet");
    TableWrite.merge(List.of(part), table);
    assertFalse(Files.exists(part));
    assertEquals(expectedIds(5), ids(table));
  }

  @Test
  void noRowsWriteNoFile() {
    Pipeline p = pipeline();
    rows(p, "None", List.of()).apply(TableWrite.to(dir, "t.parquet", ParquetFixtures.SCHEMA));
    p.run().waitUntilFinish();
    assertFalse(Files.exists(dir.resolve("t.parquet")));
    assertTrue(Files.notExists(dir.resolve("parts")) || isEmpty(dir.resolve("parts")));
  }

  private static boolean isEmpty(Path folder) {
    try (Stream<Path> s = Files.list(folder)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
