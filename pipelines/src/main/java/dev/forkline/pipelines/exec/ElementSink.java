package dev.forkline.pipelines.exec;

import java.io.IOException;
import java.io.Serializable;

/**
 * Receives each element the moment it leaves a {@link StageChain}, ok or failed, before the runner
 * commits the bundle's output: what the run's journal records, so a killed run keeps the rows it
 * finished. Called from the DoFn's thread.
 */
public interface ElementSink<T> extends Serializable {
  void accept(T element) throws IOException;

  /** Makes what was accepted durable; called at the end of every bundle. */
  default void flush() throws IOException {}
}
