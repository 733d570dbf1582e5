package dev.forkline.pipelines.run;

/** Another forkline run holds the output folder: two runs must not write the same outputs. */
public final class OutputInUseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OutputInUseException(String message) {
    super(message);
  }
}
