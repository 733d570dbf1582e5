package dev.forkline.pipelines.exec;

/**
 * A failure kind: the word a failed row's {@code failure_kind} holds. The engine's are {@link
 * FailureKind}; a pipeline names its own the same way (an enum implementing this), so a kind in
 * code is always one of a known vocabulary.
 */
public interface Kind {
  /** The kind as the table writes it: lower-case words joined by {@code -}. */
  String label();

  /** Whether {@code label} is this kind's. */
  default boolean is(String label) {
    return label().equals(label);
  }
}
