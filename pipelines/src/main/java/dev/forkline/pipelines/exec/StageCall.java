package dev.forkline.pipelines.exec;

import java.io.Serializable;

/**
 * The per-element work of a stage: a plain blocking call, so the same object can run inline, on a
 * thread pool or in a worker process. Throw {@link StageException} for failures the call knows
 * (their kind goes to the manifest); anything else is classified by {@link #classify}.
 */
@FunctionalInterface
public interface StageCall<T extends Tracked<T>> extends Serializable {
  /** Processes one element and returns it (or a replacement); must not mark it failed itself. */
  T call(T element) throws Exception;

  /** The failure kind of an unexpected exception; {@code io} for I/O, else {@code internal}. */
  default String classify(Exception e) {
    return e instanceof java.io.IOException ? "io" : Failure.INTERNAL;
  }
}
