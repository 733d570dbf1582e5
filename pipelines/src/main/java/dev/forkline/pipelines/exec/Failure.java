package dev.forkline.pipelines.exec;

import java.io.Serializable;

/**
 * Why an element failed: the stage it failed in, a kind from a small fixed vocabulary (the
 * manifest's {@code failure_kind}) and a message for people.
 */
public record Failure(String stage, String kind, String message) implements Serializable {
  /** A kind for failures no stage classified: a bug in forkline, reported as such. */
  public static final String INTERNAL = "internal";

  /**
   * A write found its disk full: not the input's fault, and every later write would fail too, so
   * the stage chain stops the run on it instead of making a row ({@code DiskFullException}).
   */
  public static final String DISK_FULL = "disk-full";
}
