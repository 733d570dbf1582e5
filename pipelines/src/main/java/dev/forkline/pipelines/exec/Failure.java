package dev.forkline.pipelines.exec;

import java.io.Serializable;

/**
 * Why an element failed: the stage it failed in, a kind from a small fixed vocabulary (the
 * manifest's {@code failure_kind}: {@link FailureKind} and the pipelines' own) and a message for
 * people.
 */
public record Failure(String stage, String kind, String message) implements Serializable {
  /** A failure of a known kind. */
  public Failure(String stage, Kind kind, String message) {
    this(stage, kind.label(), message);
  }
}
