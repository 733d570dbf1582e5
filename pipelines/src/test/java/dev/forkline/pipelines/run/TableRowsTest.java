package dev.forkline.pipelines.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.forkline.pipelines.exec.Failure;
import dev.forkline.pipelines.exec.TestItem;
import dev.forkline.pipelines.table.ParquetTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TableRows: each finished element's row in the run's journal and in the bundle's part. */
class TableRowsTest {
  @TempDir Path dir;

  private static final Schema SCHEMA =
      SchemaBuilder.record("Row").fields().requiredString("id").optionalString("kind").endRecord();

  static final class ToRow implements SerializableFunction<TestItem, GenericRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public GenericRecord apply(TestItem d) {
      GenericRecord row = new GenericData.Record(SCHEMA);
      row.put("id", d.id);
      row.put("kind", d.failure == null ? null : d.failure.kind());
      return row;
    }
  }

  private Path output() {
    return dir.resolve("out");
  }

  private Path parts() {
    return dir.resolve("staging/parts");
  }

  private TableRows<TestItem> rows(Journal.Target journal) {
    return new TableRows<>(new ToRow(), parts(), SCHEMA.toString(), journal.appender());
  }

  private static TreeSet<String> ids(Path parquet) {
    TreeSet<String> ids = new TreeSet<>();
    ParquetTables.forEach(parquet, r -> ids.add(r.get("id").toString()));
    return ids;
  }

  private List<Path> partFiles() throws Exception {
    if (!Files.isDirectory(parts())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(parts())) {
      return new ArrayList<>(files.toList());
    }
  }

  @Test
  void eachRowGoesIntoTheJournalAndTheBundlesPart() throws Exception {
    Journal.Target journal = Journal.Target.of(output(), SCHEMA);
    TableRows<TestItem> sink = rows(journal);
    TestItem failed = new TestItem("c");
    failed.fail(new Failure("fetch", "timeout", "slow"));
    sink.accept(new TestItem("a"));
    sink.accept(new TestItem("b"));
    sink.accept(failed);
    Path part = Path.of(sink.finishBundle());
    Journal.close(journal.run());

    assertEquals(new TreeSet<>(List.of("a", "b", "c")), ids(part));
    Journal.Recovered recovered =
        Journal.recover(output(), SCHEMA, "id", dir.resolve("recovered.parquet"));
    assertEquals(new TreeSet<>(List.of("a", "b", "c")), new TreeSet<>(recovered.keys()));
    assertEquals(3, recovered.rows());
  }

  @Test
  void anAbandonedBundlesPartIsDeletedAndTheNextBundleStartsAfresh() throws Exception {
    Journal.Target journal = Journal.Target.of(output(), SCHEMA);
    TableRows<TestItem> sink = rows(journal);
    sink.accept(new TestItem("a"));
    sink.accept(new TestItem("b"));
    assertEquals(1, partFiles().size());
    sink.abandonBundle();
    assertEquals(List.of(), partFiles(), "the failed bundle's part is gone");

    sink.accept(new TestItem("c"));
    Path part = Path.of(sink.finishBundle());
    Journal.close(journal.run());
    assertEquals(new TreeSet<>(List.of("c")), ids(part));
    assertEquals(List.of(part), partFiles());
  }

  @Test
  void aBundleWithoutElementsHasNoPart() throws Exception {
    Journal.Target journal = Journal.Target.of(output(), SCHEMA);
    TableRows<TestItem> sink = rows(journal);
    assertNull(sink.finishBundle());
    sink.abandonBundle();
    Journal.close(journal.run());
    assertFalse(Files.exists(parts()));
  }
}
