package dev.forkline.pipelines.exec;

import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Emits the elements of one batch, which a listing dealt into keyed batches in chunks: the last
 * step of {@link BatchChunks#regroup}.
 */
final class UnbatchFn<T> extends DoFn<KV<Integer, Iterable<List<T>>>, T> {
  @ProcessElement
  public void process(@Element KV<Integer, Iterable<List<T>>> batch, OutputReceiver<T> out) {
    for (List<T> chunk : batch.getValue()) {
      for (T element : chunk) {
        out.output(element);
      }
    }
  }
}
