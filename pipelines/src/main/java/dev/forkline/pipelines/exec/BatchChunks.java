package dev.forkline.pipelines.exec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Collects the elements a listing deals into keyed batches into chunks of up to {@value #CHUNK}, so
 * the {@code GroupByKey} that spreads the batches over the runner's workers moves one element per
 * chunk instead of one per input: the Direct runner's GroupByKey costs about 50 us an element under
 * C1, paid before the first fetch can start. A chunk is emitted through {@code out} when full, the
 * rest by {@link #flush}. {@link #regroup} groups the chunks by batch and takes them apart again.
 */
public final class BatchChunks<T> {
  /** Elements per chunk at most: small enough to keep an element of the shuffle small. */
  public static final int CHUNK = 256;

  private final Map<Integer, List<T>> open = new HashMap<>();
  private final BiConsumer<Integer, List<T>> out;
  private final int maxHeld;
  private int held;

  /** Chunks emitted through {@code out}, held until full or flushed. */
  public BatchChunks(BiConsumer<Integer, List<T>> out) {
    this.out = out;
    this.maxHeld = Integer.MAX_VALUE;
  }

  /**
   * Chunks emitted through the consumer each {@link #add(int, Object, BiConsumer)} is given (a
   * DoFn's context changes per element), and all of them, partial ones too, as soon as more than
   * {@code maxHeld} elements are held: many batches with few elements each in one bundle then move
   * on instead of waiting for the bundle's end.
   */
  public BatchChunks(int maxHeld) {
    this.out = null;
    this.maxHeld = maxHeld;
  }

  /** Adds {@code element} to {@code batch}; emits the batch's chunk when it is full. */
  public void add(int batch, T element) {
    add(batch, element, out);
  }

  /** {@link #add(int, Object)}, emitting through {@code to}. */
  public void add(int batch, T element, BiConsumer<Integer, List<T>> to) {
    List<T> chunk = open.computeIfAbsent(batch, b -> new ArrayList<>());
    chunk.add(element);
    if (chunk.size() >= CHUNK) {
      open.remove(batch);
      held -= chunk.size() - 1;
      to.accept(batch, chunk);
    } else if (++held > maxHeld) {
      flush(to);
    }
  }

  /**
   * A listing's chunks ({@code KV(batch, chunk)}) grouped by batch and taken apart again: each
   * batch becomes one bundle of the steps that follow, spread over the runner's workers. The chunks
   * travel as {@link ChunkCoder} streams, the elements with {@code SerializableCoder}.
   */
  public static <T extends Serializable> PCollection<T> regroup(
      PCollection<KV<Integer, List<T>>> chunks, Class<T> type) {
    return chunks
        .setCoder(KvCoder.of(VarIntCoder.of(), ChunkCoder.of(type)))
        .apply("Batch", GroupByKey.create())
        .apply("Unbatch", ParDo.of(new UnbatchFn<T>()))
        .setCoder(SerializableCoder.of(type));
  }

  /** Emits every chunk not yet full. */
  public void flush() {
    flush(out);
  }

  /** Emits every chunk not yet full through {@code to}. */
  public void flush(BiConsumer<Integer, List<T>> to) {
    for (Map.Entry<Integer, List<T>> e : open.entrySet()) {
      to.accept(e.getKey(), e.getValue());
    }
    open.clear();
    held = 0;
  }
}
