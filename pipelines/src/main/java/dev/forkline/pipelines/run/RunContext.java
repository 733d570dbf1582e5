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
 * @param done with {@code --resume}: the key of every earlier row, mapped to the identity its input
 *     had ({@link PipelineDefinition#identity}), or to a value no input has when the row must be
 *     redone (it failed, its settings or its output changed); null otherwise. A listing skips a key
 *     whose current input has the recorded identity (the runner carries its earlier row over) and
 *     reports what it decided for every key it found here to {@code verdicts}
 * @param scratch a folder inside the output folder for temporary files, on the same filesystem as
 *     the outputs (so a rename into place is atomic) and deleted after the run, or by the next run
 *     if this one is killed
 * @param journal where to journal each element's row the moment it leaves the stages (see {@link
 *     Journal})
 * @param parts the folder the table's part files go to, which the runner merges into the table
 * @param verdicts with {@code --resume}: where the listing reports its {@link ResumeVerdicts}
 */
public record RunContext(
    ForklineConfig config,
    PCollectionView<Map<String, String>> done,
    Path scratch,
    Journal.Target journal,
    Path parts,
    ResumeVerdicts verdicts) {

  /**
   * Where the pipeline's stage chain puts each element as it finishes ({@code StageChain.toTable}):
   * its row, made by {@code toRow}, is counted, journaled and written into the table's parts.
   */
  public <T extends Tracked<T>> RowSink<T> rows(SerializableFunction<T, GenericRecord> toRow) {
    return rows(toRow, null);
  }

  /**
   * {@link #rows(SerializableFunction)}, with {@code beforeFlush} run at the end of each bundle
   * before its rows are flushed to the journal: for outputs the rows refer to that are published at
   * bundle ends (the url-scrape WARC files), so that a row made durable finds its output there.
   */
  public <T extends Tracked<T>> RowSink<T> rows(
      SerializableFunction<T, GenericRecord> toRow, BundleEnd beforeFlush) {
    return new TableRows<>(toRow, parts, journal.schemaJson(), journal.appender(), beforeFlush);
  }

  /** What a pipeline finishes at the end of a bundle, in the bundle's thread. */
  public interface BundleEnd extends java.io.Serializable {
    void finish() throws java.io.IOException;
  }
}
