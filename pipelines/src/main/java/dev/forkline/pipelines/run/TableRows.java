package dev.forkline.pipelines.run;

import dev.forkline.pipelines.exec.RowSink;
import dev.forkline.pipelines.exec.StageMetrics;
import dev.forkline.pipelines.exec.Tracked;
import dev.forkline.pipelines.table.BundlePart;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * A run's rows as its stage chain finishes them: each element's row is made once, counted by
 * outcome, appended to the run's journal and written into the bundle's part of the table. The
 * {@link RowSink} that {@link RunContext#rows} gives a pipeline.
 */
final class TableRows<T extends Tracked<T>> implements RowSink<T> {
  private static final long serialVersionUID = 1L;

  private final SerializableFunction<T, GenericRecord> toRow;
  private final BundlePart part;
  private final Journal.Appender journal;
  private final RunContext.BundleEnd beforeFlush;

  TableRows(
      SerializableFunction<T, GenericRecord> toRow,
      Path partsFolder,
      String schemaJson,
      Journal.Appender journal) {
    this(toRow, partsFolder, schemaJson, journal, null);
  }

  TableRows(
      SerializableFunction<T, GenericRecord> toRow,
      Path partsFolder,
      String schemaJson,
      Journal.Appender journal,
      RunContext.BundleEnd beforeFlush) {
    this.toRow = toRow;
    this.part = new BundlePart(partsFolder, schemaJson);
    this.journal = journal;
    this.beforeFlush = beforeFlush;
  }

  @Override
  public void accept(T element) throws IOException {
    GenericRecord row = toRow.apply(element);
    StageMetrics.rows(element.failure() == null ? null : element.failure().kind()).inc();
    journal.append(row);
    part.write(row);
  }

  @Override
  public String finishBundle() throws IOException {
    if (beforeFlush != null) {
      beforeFlush.finish();
    }
    journal.flush();
    return part.finish();
  }

  @Override
  public void abandonBundle() throws IOException {
    part.discard();
  }
}
