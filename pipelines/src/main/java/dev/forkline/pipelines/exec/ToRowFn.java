package dev.forkline.pipelines.exec;

import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * Turns each element that left the stages into its result row, and counts rows by outcome (ok, or
 * failed by kind). The row itself comes from the pipeline's function, which the run's journal uses
 * too.
 */
public final class ToRowFn<T extends Tracked<T>> extends DoFn<T, GenericRecord> {
  private final SerializableFunction<T, GenericRecord> toRow;

  public ToRowFn(SerializableFunction<T, GenericRecord> toRow) {
    this.toRow = toRow;
  }

  @ProcessElement
  public void process(@Element T element, OutputReceiver<GenericRecord> out) {
    StageMetrics.rows(element.failure() == null ? null : element.failure().kind()).inc();
    out.output(toRow.apply(element));
  }
}
