package dev.forkline.pipelines.run;

import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.exec.RowSink;
import dev.forkline.pipelines.exec.Tracked;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * What a pipeline gets from the runner when it builds its transforms.
 *
 * @param config the validated config
 * @param done with {@code --resume}: keys of inputs an earlier run finished, which must produce no
 *     row (the runner carries their earlier rows over); null otherwise
 * @param scratch a folder inside the output folder for temporary files, on the same filesystem as
 *     the outputs (so a rename into place is atomic) and deleted after the run, or by the next run
 *     if this one is killed
 * @param journal where to journal each element's row the moment it leaves the stages (see {@link
 *     Journal})
 * @param parts the folder the table's part files go to, which the runner merges into the table
 */
public record RunContext(
    ForklineConfig config,
    PCollectionView<Map<String, Boolean>> done,
    Path scratch,
    Journal.Target journal,
    Path parts) {

  /**
   * Where the pipeline's stage chain puts each element as it finishes ({@code StageChain.toTable}):
   * its row, made by {@code toRow}, is counted, journaled and written into the table's parts.
   */
  public <T extends Tracked<T>> RowSink<T> rows(SerializableFunction<T, GenericRecord> toRow) {
    return new TableRows<>(toRow, parts, journal.schemaJson(), journal.appender());
  }
}
