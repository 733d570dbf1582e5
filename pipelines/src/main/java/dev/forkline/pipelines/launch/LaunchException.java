package dev.forkline.pipelines.launch;

/** A launch the user asked for that cannot be planned: the message says what to do (exit 2). */
public final class LaunchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LaunchException(String message) {
    super(message);
  }
}
