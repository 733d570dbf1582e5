package dev.forkline.pipelines.exec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Collects the elements a listing deals into keyed batches into chunks of up to {@value #CHUNK}, so
 * the {@code GroupByKey} that spreads the batches over the runner's workers moves one element per
 * chunk instead of one per input: the Direct runner's GroupByKey costs about 50 us an element under
 * C1 (2,000 URLs waited 110 ms between their listing and their first fetch; in chunks, 4 ms). A
 * chunk is emitted through {@code out} when full, the rest by {@link #flush}. {@link UnbatchFn}
 * takes the chunks apart again.
 */
public final class BatchChunks<T> {
  /** Elements per chunk at most: small enough to keep an element of the shuffle small. */
  public static final int CHUNK = 256;

  private final Map<Integer, List<T>> open = new HashMap<>();
  private final BiConsumer<Integer, List<T>> out;

  public BatchChunks(BiConsumer<Integer, List<T>> out) {
    this.out = out;
  }

  /** Adds {@code element} to {@code batch}; emits the batch's chunk when it is full. */
  public void add(int batch, T element) {
    List<T> chunk = open.computeIfAbsent(batch, b -> new ArrayList<>());
    chunk.add(element);
    if (chunk.size() >= CHUNK) {
      open.remove(batch);
      out.accept(batch, chunk);
    }
  }

  /** Emits every chunk not yet full. */
  public void flush() {
    for (Map.Entry<Integer, List<T>> e : open.entrySet()) {
      out.accept(e.getKey(), e.getValue());
    }
    open.clear();
  }
}
