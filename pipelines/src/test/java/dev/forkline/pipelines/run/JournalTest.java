package dev.forkline.pipelines.run;

import static dev.forkline.pipelines.TestFiles.image;
import static dev.forkline.pipelines.TestFiles.rowsBy;
import static dev.forkline.pipelines.TestFiles.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.TestFiles;
import dev.forkline.pipelines.config.ConfigLoader;
import dev.forkline.pipelines.config.ForklineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A killed run's rows survive in the journal, and --resume takes them. */
class JournalTest {
  @TempDir Path dir;

  private ForklineConfig config() throws Exception {
    return ConfigLoader.load(
        TestFiles.config(dir, "pipeline: image-filter\ninput: in\noutput: out\n"), List.of(), dir);
  }

  /**
   * What a run killed after two of its rows leaves: no table (it is written at the end), and a
   * journal file holding those rows, cut in the middle of the block being written.
   */
  private void simulateAKilledRun(ForklineConfig config) throws Exception {
    RunResult first = ForklineRunner.run(config, RunOptions.quiet());
    List<GenericRecord> rows = TestFiles.rows(first.table());
    Files.delete(first.table());
    Path journal = Files.createDirectories(config.output().resolve(Journal.FOLDER));
    Schema schema = rows.get(0).getSchema();
    Path file = journal.resolve("killed-1.avro");
    try (DataFileWriter<GenericRecord> out =
        new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
      out.create(schema, file.toFile());
      for (GenericRecord row : rows) {
        out.append(row);
        out.flush();
      }
    }
    Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, StandardOpenOption.APPEND);
  }

  @Test
  void resumeTakesTheRowsOfAKilledRunFromItsJournal() throws Exception {
    image(dir.resolve("in/a.png"), "png", 8, 8);
    image(dir.resolve("in/b.png"), "png", 9, 9);
    ForklineConfig config = config();
    simulateAKilledRun(config);
    image(dir.resolve("in/c.png"), "png", 10, 10);

    RunResult resumed = ForklineRunner.run(config, RunOptions.quiet().withResume(true));

    assertEquals(2, resumed.carriedOver());
    assertEquals(1, resumed.metrics().rowsOk(), "only c.png was processed");
    Map<String, GenericRecord> rows = rowsBy(resumed.table(), "input");
    assertEquals(java.util.Set.of("a.png", "b.png", "c.png"), rows.keySet());
    rows.values().forEach(r -> assertEquals("ok", str(r, "status")));
    assertFalse(Files.exists(config.output().resolve(Journal.FOLDER)), "deleted with the table");
  }

  @Test
  void aRunWithoutResumeIgnoresAndDeletesAnOldJournal() throws Exception {
    image(dir.resolve("in/a.png"), "png", 8, 8);
    ForklineConfig config = config();
    simulateAKilledRun(config);

    RunResult fresh = ForklineRunner.run(config, RunOptions.quiet());

    assertEquals(0, fresh.carriedOver());
    assertEquals(1, fresh.metrics().rowsOk());
    assertFalse(Files.exists(config.output().resolve(Journal.FOLDER)));
  }

  @Test
  void journalRowsWinOverTheTableForTheSameInput() throws Exception {
    image(dir.resolve("in/a.png"), "png", 8, 8);
    Files.writeString(dir.resolve("in/b.png"), "not yet an image");
    ForklineConfig config = config();
    RunResult first = ForklineRunner.run(config, RunOptions.quiet());
    assertEquals("failed", str(rowsBy(first.table(), "input").get("b.png"), "status"));
    Path table = first.table();
    Path kept = dir.resolve("table-copy.parquet");
    Files.copy(table, kept);
    // A resumed run redoes b.png, now fixed, and is killed before its table is written.
    image(dir.resolve("in/b.png"), "png", 9, 9);
    simulateAKilledRun(config);
    Files.copy(kept, table);

    RunResult resumed = ForklineRunner.run(config, RunOptions.quiet().withResume(true));

    Map<String, GenericRecord> rows = rowsBy(resumed.table(), "input");
    assertEquals("ok", str(rows.get("b.png"), "status"), "the journal's newer row");
    assertEquals(2, resumed.carriedOver());
    assertTrue(resumed.allOk());
  }
}
