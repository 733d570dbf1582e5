package dev.forkline.pipelines.run;

import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.files.DiskFullException;
import dev.forkline.pipelines.table.TableWrite;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code --resume} run's graph: the earlier rows (the last table's and an interrupted run's
 * journal), the newest row per key, the inputs still to do, and the kept rows written beside them.
 */
final class ResumedRun {
  private static final Logger LOG = LoggerFactory.getLogger(ForklineRunner.class);

  private ResumedRun() {}

  /** The rows an interrupted run journaled, gathered into a table in {@code staging}. */
  static Journal.Recovered recover(
      Path output, Schema schema, String keyField, Path staging, Path table, boolean hasTable) {
    Journal.Recovered recovered;
    try {
      recovered = Journal.recover(output, schema, keyField, Journal.recoveredFile(staging));
    } catch (IOException e) {
      if (DiskFullException.isFull(e)) {
        throw new RunStoppedException(
            "the disk is full: " + e.getMessage() + "; free some space, then run again", null, e);
      }
      throw new PipelineFailedException(
          "cannot read the journal of an interrupted run in "
              + Journal.folder(output)
              + " ("
              + e.getMessage()
              + "); delete that folder to resume from the table alone",
          e);
    }
    if (recovered != null) {
      LOG.info(
          "--resume: {} rows from the journal of an interrupted run{}",
          recovered.rows(),
          hasTable ? " and the rows of " + table : "");
    }
    return recovered;
  }

  /**
   * The table's part files of a resumed run: the kept earlier rows and the pipeline's own, run with
   * the identities already recorded. {@code table} is null when only a journal is left; {@code
   * context} gives the run's scratch, journal and parts folders.
   */
  static PCollection<String> expand(
      Pipeline pipeline,
      PipelineDefinition definition,
      ForklineConfig config,
      Path table,
      Schema earlierColumns,
      Journal.Recovered recovered,
      RunContext context,
      Path staging) {
    Schema schema = definition.schema();
    String keyField = definition.keyField();
    boolean hasTable = table != null;
    PCollectionList<GenericRecord> sources = PCollectionList.empty(pipeline);
    if (hasTable) {
      PCollection<GenericRecord> tableRows =
          pipeline.apply("Read earlier table", readTable(earlierColumns, table));
      if (earlierColumns.getFields().size() < schema.getFields().size()) {
        // A table of an earlier version: the columns added since are empty.
        tableRows =
            tableRows
                .apply("Add columns of this version", ParDo.of(new EarlierTable.FillFn(schema)))
                .setCoder(AvroCoder.of(GenericRecord.class, schema));
      }
      if (recovered != null) {
        tableRows =
            tableRows
                .apply(
                    "Drop rows the journal has again",
                    ParDo.of(new DropKeysFn(keyField, recovered.keys())))
                .setCoder(AvroCoder.of(GenericRecord.class, schema));
      }
      sources = sources.and(tableRows);
    }
    if (recovered != null) {
      sources = sources.and(pipeline.apply("Read journal", readTable(schema, recovered.table())));
    }
    PCollection<KV<String, GenericRecord>> newest =
        sources
            .apply("Earlier rows", Flatten.pCollections())
            .setCoder(AvroCoder.of(GenericRecord.class, schema))
            .apply("Newest row per key", Resume.newestPerKey(definition));
    PCollectionView<Map<String, String>> done =
        newest
            .apply("Recorded identities", Resume.recordedIdentities(definition, config))
            .apply("Identities view", View.asMap());
    ResumeVerdicts verdicts = new ResumeVerdicts();
    PCollection<String> fresh =
        definition.expand(
            pipeline,
            new RunContext(
                config, done, context.scratch(), context.journal(), context.parts(), verdicts));
    PCollection<GenericRecord> kept =
        Resume.keptRows(newest, verdicts.reported(), definition)
            .setCoder(AvroCoder.of(GenericRecord.class, schema));
    return PCollectionList.of(kept.apply("Write earlier rows", TableWrite.parts(staging, schema)))
        .and(fresh)
        .apply("All parts", Flatten.pCollections());
  }

  /**
   * Reads a table as generic records: Beam's default model is Avro's specific one, which loads and
   * builds the classes a file's schema names (the record's name, a {@code java-class}).
   */
  static ParquetIO.Read readTable(Schema schema, Path table) {
    return ParquetIO.read(schema)
        .withProjection(schema, schema)
        .withAvroDataModel(GenericData.get())
        .from(table.toString());
  }

  /** Drops the rows whose key is in a set: table rows that a journal has newer rows for. */
  static final class DropKeysFn extends DoFn<GenericRecord, GenericRecord> {
    private final String keyField;
    private final java.util.HashSet<String> keys;

    DropKeysFn(String keyField, java.util.Set<String> keys) {
      this.keyField = keyField;
      this.keys = new java.util.HashSet<>(keys);
    }

    @ProcessElement
    public void process(@Element GenericRecord row, OutputReceiver<GenericRecord> out) {
      if (!keys.contains(String.valueOf(row.get(keyField)))) {
        out.output(row);
      }
    }
  }
}
