package dev.forkline.workers.pool;

/** Exit codes in words. Java reports a process killed by signal N as exit code 128 + N. */
final class ExitStatus {

  private static final String[] SIGNALS = {
    null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
    "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"
  };

  private ExitStatus() {}

  /** {@code "exit 3"}, or {@code "signal 9 (SIGKILL)"} for 137 (ambiguous: a real exit 137 too). */
  static String describe(int code) {
    int signal = code - 128;
    if (signal > 0 && signal < 65) {
      String name = signal < SIGNALS.length ? SIGNALS[signal] : null;
      return "signal " + signal + (name == null ? "" : " (" + name + ")");
    }
    return "exit " + code;
  }
}
