package dev.forkline.pipelines.run;

/** A valid config asks for something this version cannot run (a pipeline, a runner). */
public final class UnsupportedPipelineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnsupportedPipelineException(String message) {
    super(message);
  }
}
