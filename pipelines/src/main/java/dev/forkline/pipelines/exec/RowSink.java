package dev.forkline.pipelines.exec;

import java.io.IOException;
import java.io.Serializable;

/**
 * Where a {@link StageChain} that writes its own table ({@link StageChain#toTable}) puts each
 * element the moment it leaves the stages: the sink makes the element's row and writes it into the
 * bundle's part file, so the rows are on disk when the bundle ends instead of being handed to the
 * next step then (the Direct runner passes a step's outputs on only when its bundle ends: a
 * one-host scrape is one bundle, whose rows would all be written after its last fetch). Each DoFn
 * instance has its own copy; all calls come from the DoFn's thread.
 */
public interface RowSink<T> extends Serializable {
  /** An element that left the stages, ok or failed: its row into the bundle's part. */
  void accept(T element) throws IOException;

  /** The end of a bundle: its part, complete, or null when the bundle had no element. */
  String finishBundle() throws IOException;

  /** A bundle that failed (or whose instance is torn down): its part is closed and deleted. */
  void abandonBundle() throws IOException;
}
