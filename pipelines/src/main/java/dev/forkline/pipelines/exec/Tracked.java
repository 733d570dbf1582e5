package dev.forkline.pipelines.exec;

import java.io.Serializable;

/**
 * An element that carries its own outcome through the stages of a pipeline: once failed, later
 * stages pass it through untouched, and the last step turns it into a failed row. That is how every
 * input becomes exactly one output row.
 */
public interface Tracked<T extends Tracked<T>> extends Serializable {
  /**
   * A copy a stage may change. Beam elements are immutable once output, so a stage works on a copy;
   * large payloads (byte arrays) may be shared, as no stage changes them in place.
   */
  T copy();

  /** The failure, or null while the element is ok. */
  Failure failure();

  /** Marks the element failed; later stages skip it. */
  void fail(Failure failure);

  /** Adds the time one stage spent on this element, for the manifest's per-step times. */
  void addStageMillis(String stage, long millis);

  /** Records how many attempts a stage took for this element (ok or failed); optional. */
  default void recordAttempts(String stage, int attempts) {}
}
