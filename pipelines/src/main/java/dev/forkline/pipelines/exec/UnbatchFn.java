package dev.forkline.pipelines.exec;

import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Emits the elements of one batch, which a listing dealt into keyed batches in chunks (see {@link
 * BatchChunks}): one batch is one bundle of the stages that follow, spread over the runner's
 * workers.
 */
public final class UnbatchFn<T> extends DoFn<KV<Integer, Iterable<List<T>>>, T> {
  @ProcessElement
  public void process(@Element KV<Integer, Iterable<List<T>>> batch, OutputReceiver<T> out) {
    for (List<T> chunk : batch.getValue()) {
      for (T element : chunk) {
        out.output(element);
      }
    }
  }
}
