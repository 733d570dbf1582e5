package dev.forkline.pipelines.cli;

/** The process exit codes of the {@code forkline} command; documented in the README. */
public final class ExitCodes {
  /** Everything worked: every input produced an ok row. */
  public static final int OK = 0;

  /** The run finished, but some rows failed. Their kinds are in the summary and the table. */
  public static final int FAILED_ROWS = 1;

  /** Usage or config error: nothing ran. The message says what, where, and what is accepted. */
  public static final int USAGE = 2;

  /** The run was aborted by an unexpected error (a bug or a broken environment). */
  public static final int ABORTED = 3;

  /** The exit code list of {@code --help}, shared by the commands that run pipelines. */
  static final String HELP_OK = "0:every row ok";

  static final String HELP_FAILED_ROWS = "1:the run finished, some rows failed";
  static final String HELP_USAGE = "2:usage or config error";
  static final String HELP_ABORTED = "3:the run aborted (a bug or a broken environment)";

  private ExitCodes() {}
}
