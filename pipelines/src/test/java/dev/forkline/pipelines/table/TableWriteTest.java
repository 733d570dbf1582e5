package dev.forkline.pipelines.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.joda.time.Instant;
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
    rows.apply(TableWrite.parts(dir, ParquetFixtures.SCHEMA))
        .apply(TableWrite.mergeInto(dir, "t.parquet"));
    p.run().waitUntilFinish();

    Path table = dir.resolve("t.parquet");
    assertEquals(expectedIds(3000), ids(table));
    assertEquals(ParquetFixtures.SCHEMA, ParquetTables.schema(table));
    assertEquals(3000, ParquetTables.rowCount(table));
  }

  private List<Path> parts(int count, int rowsEach) throws IOException {
    List<GenericRecord> all = ParquetFixtures.rows(count * rowsEach);
    Path folder = Files.createDirectories(dir.resolve("parts"));
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      files.add(
          ParquetFixtures.write(
              folder.resolve(String.format("part-%03d.parquet", i)),
              all.subList(rowsEach * i, rowsEach * i + rowsEach)));
    }
    return files;
  }

  private static int rowGroups(Path table) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(ParquetTables.inputFile(table))) {
      return reader.getRowGroups().size();
    }
  }

  @Test
  void aFewPartsHaveTheirRowGroupsAppendedInOrder() throws IOException {
    Path table = dir.resolve("t.parquet");
    TableWrite.merge(parts(3, 10), table);

    assertEquals(expectedIds(30), ids(table));
    assertEquals(ParquetFixtures.SCHEMA, ParquetTables.schema(table));
    assertEquals(3, rowGroups(table));
    try (ParquetTables.Rows rows = ParquetTables.open(table)) {
      assertEquals("r0", rows.next().get("id").toString(), "the parts in their order");
    }
  }

  @Test
  void manyPartsAreRewrittenIntoFullRowGroups() throws IOException {
    Path table = dir.resolve("t.parquet");
    TableWrite.merge(parts(TableWrite.APPEND_PARTS + 4, 5), table);

    assertEquals(expectedIds((TableWrite.APPEND_PARTS + 4) * 5), ids(table));
    assertEquals(ParquetFixtures.SCHEMA, ParquetTables.schema(table));
    assertEquals(1, rowGroups(table));
  }

  @Test
  void aMergeCanBeRetried() throws IOException {
    // A cluster runner may run the merge again (a lost executor): the parts must still be there.
    for (int count : new int[] {1, 3, TableWrite.APPEND_PARTS + 1}) {
      List<Path> files = parts(count, 4);
      Path table = dir.resolve("t" + count + ".parquet");
      TableWrite.merge(files, table);
      TableWrite.merge(files, table);
      assertEquals(expectedIds(count * 4), ids(table), count + " parts");
      for (Path part : files) {
        assertTrue(Files.exists(part), part + " kept");
      }
      for (Path part : files) {
        Files.delete(part);
      }
    }
  }

  @Test
  void aFailedMergeLeavesNoTableAndNoTemporaryFile() throws IOException {
    List<Path> files = new ArrayList<>(parts(1, 5));
    Path bad = Files.writeString(dir.resolve("parts").resolve("part-bad.parquet"), "PAR");
    files.add(bad);
    Path table = dir.resolve("t.parquet");
    assertThrows(Exception.class, () -> TableWrite.merge(files, table));
    assertFalse(Files.exists(table));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of("parts"), left.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void aFailedBundlesRowsNeverReachTheNextBundlesPart() throws Exception {
    // A DoFn instance whose bundle failed is normally thrown away; should a runner reuse it, the
    // next bundle starts afresh and the unfinished part is deleted.
    TableWrite.PartFn fn = new TableWrite.PartFn(dir.toString(), ParquetFixtures.SCHEMA.toString());
    List<GenericRecord> rows = ParquetFixtures.rows(10);
    fn.startBundle();
    for (int i = 0; i < 5; i++) {
      fn.process(rows.get(i)); // this bundle fails: no finish
    }
    fn.startBundle();
    for (int i = 5; i < 10; i++) {
      fn.process(rows.get(i));
    }
    List<String> out = new ArrayList<>();
    fn.finish(
        fn.new FinishBundleContext() {
          @Override
          public PipelineOptions getPipelineOptions() {
            return null;
          }

          @Override
          public void output(String part, Instant timestamp, BoundedWindow window) {
            out.add(part);
          }

          @Override
          public <T> void output(
              TupleTag<T> tag, T output, Instant timestamp, BoundedWindow window) {
            throw new AssertionError("no tagged output");
          }
        });
    assertEquals(1, out.size());
    assertEquals(5, ParquetTables.rowCount(Path.of(out.get(0))));
    try (Stream<Path> left = Files.list(dir.resolve("parts"))) {
      assertEquals(1, left.count(), "the failed bundle's part is deleted");
    }
  }

  @Test
  void noRowsWriteNoFile() {
    Pipeline p = pipeline();
    rows(p, "None", List.of())
        .apply(TableWrite.parts(dir, ParquetFixtures.SCHEMA))
        .apply(TableWrite.mergeInto(dir, "t.parquet"));
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
