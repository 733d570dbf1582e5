package dev.forkline.pipelines.cli;

/**
 * Every exit code of forkline's programs, in one place: the CLI's (documented in the README), and
 * the launcher's with its daemon clients. The native client's header ({@code forkline_codes.h}) is
 * generated from this file and {@code DaemonProtocol} by {@code src/main/c/build.sh}.
 */
public final class ExitCodes {
  /** Everything worked: every input produced an ok row. */
  public static final int OK = 0;

  /** The run finished, but some rows failed. Their kinds are in the summary and the table. */
  public static final int FAILED_ROWS = 1;

  /** Usage or config error: nothing ran. The message says what, where, and what is accepted. */
  public static final int USAGE = 2;

  /** The run was aborted by an unexpected error (a bug or a broken environment). */
  public static final int ABORTED = 3;

  /**
   * Between the launcher and its daemon clients only: no daemon took the run (busy with another, or
   * it could not start), so the launcher runs it in a JVM of its own.
   */
  public static final int DAEMON_UNAVAILABLE = 75;

  /**
   * Between the launcher and the native daemon client only: nothing listens; the Java client starts
   * a daemon.
   */
  public static final int NO_DAEMON = 76;

  /** The exit code list of {@code --help}, shared by the commands that run pipelines. */
  static final String HELP_OK = "0:every row ok";

  static final String HELP_FAILED_ROWS = "1:the run finished, some rows failed";
  static final String HELP_USAGE = "2:usage or config error";
  static final String HELP_ABORTED = "3:the run aborted (a bug or a broken environment)";

  private ExitCodes() {}
}
