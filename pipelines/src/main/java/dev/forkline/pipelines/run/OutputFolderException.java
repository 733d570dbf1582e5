package dev.forkline.pipelines.run;

/**
 * The output folder cannot be used: it cannot be created, or another forkline run holds it (two
 * runs must not write the same outputs). The user can fix it; the CLI exits 2.
 */
public final class OutputFolderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OutputFolderException(String message) {
    super(message);
  }
}
