package dev.forkline.pipelines.exec;

import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Emits the elements of one batch (a listing deals its elements into a few keyed batches): one
 * batch is one bundle of the stages that follow, spread over the runner's workers.
 */
public final class UnbatchFn<T> extends DoFn<KV<Integer, Iterable<T>>, T> {
  @ProcessElement
  public void process(@Element KV<Integer, Iterable<T>> batch, OutputReceiver<T> out) {
    for (T element : batch.getValue()) {
      out.output(element);
    }
  }
}
