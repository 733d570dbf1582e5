package dev.forkline.pipelines.run;

/** The pipeline as a whole failed (not one element: those become failed rows). */
public final class PipelineFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PipelineFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
