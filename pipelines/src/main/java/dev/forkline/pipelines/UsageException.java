package dev.forkline.pipelines;

/**
 * An error the user caused on the command line (a missing file, a bad flag value). The CLI prints
 * its message alone, without a stack trace, and exits with exit code 2 ({@code ExitCodes.USAGE}).
 */
public class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
