package dev.forkline.pipelines.launch;

import dev.forkline.pipelines.cli.ExitCodes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code forkline} script's planner: writes the {@link LaunchPlan} for a command as bash
 * assignments the script sources and executes. Runs in a small JVM of JDK classes only (the client
 * jar); the script keeps the plan and uses it again while nothing it depends on changed.
 *
 * <pre>
 *   Launch ROOT UID STDERR_IS_TTY HAS_SETSID JAVA_BIN PLAN_FILE -- ARGS...
 * </pre>
 *
 * <p>Exit 0 with the plan written; 2 with a message on stderr for a launch that cannot be planned.
 */
public final class Launch {
  private Launch() {}

  public static void main(String[] argv) {
    System.exit(run(argv, System.getenv(), System.err));
  }

  static int run(String[] argv, Map<String, String> env, PrintStream err) {
    if (argv.length < 7 || !argv[6].equals("--")) {
      err.println("usage: Launch ROOT UID STDERR_IS_TTY HAS_SETSID JAVA_BIN PLAN_FILE -- ARGS...");
      return 2;
    }
    LaunchInputs in =
        new LaunchInputs(
            Path.of(argv[0]),
            Arrays.asList(argv).subList(7, argv.length),
            env,
            Path.of("").toAbsolutePath(),
            Long.parseLong(argv[1]),
            argv[4],
            Boolean.parseBoolean(argv[2]),
            Boolean.parseBoolean(argv[3]),
            Long.toString(ProcessHandle.current().pid()),
            LaunchInputs.FileView.REAL);
    LaunchPlan plan;
    try {
      plan = LaunchPlan.of(in);
    } catch (LaunchException e) {
      err.println("forkline: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    Path out = Path.of(argv[5]);
    try {
      Path tmp = out.resolveSibling(out.getFileName() + "." + in.nonce() + ".tmp");
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(tmp, bash(plan), nativeCharset());
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      err.println("forkline: cannot write the launch plan " + out + ": " + e.getMessage());
      return ExitCodes.ABORTED;
    }
    return ExitCodes.OK;
  }

  /**
   * The charset the JVM decoded its arguments and file names with: writing the plan in it gives
   * bash back the bytes it passed.
   */
  static java.nio.charset.Charset nativeCharset() {
    String name = System.getProperty("sun.jnu.encoding");
    try {
      return name == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return StandardCharsets.UTF_8;
    }
  }

  /** The plan as bash assignments: arrays and words in single quotes, sourced by the script. */
  static String bash(LaunchPlan plan) {
    StringBuilder b = new StringBuilder();
    array(
        b,
        "plan_env",
        plan.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    array(b, "plan_argv", plan.argv());
    word(b, "plan_append_args", plan.appendArgs() ? "1" : "0");
    word(b, "plan_record_tmp", plan.recordTemp() == null ? "" : plan.recordTemp().toString());
    word(
        b,
        "plan_record_archive",
        plan.recordArchive() == null ? "" : plan.recordArchive().toString());
    word(
        b, "plan_daemon_socket", plan.daemonSocket() == null ? "" : plan.daemonSocket().toString());
    array(b, "plan_daemon_cmd", plan.daemonCommand());
    array(b, "plan_java_client", plan.javaClient());
    word(b, "plan_cacheable", plan.cacheable() ? "1" : "0");
    // The clients' codes for "run it yourself" and "nothing listens" (constants, inlined by javac).
    word(b, "plan_exit_unavailable", Integer.toString(ExitCodes.DAEMON_UNAVAILABLE));
    word(b, "plan_exit_no_daemon", Integer.toString(ExitCodes.NO_DAEMON));
    return b.toString();
  }

  private static void word(StringBuilder b, String name, String value) {
    b.append(name).append('=').append(quote(value)).append('\n');
  }

  private static void array(StringBuilder b, String name, List<String> values) {
    b.append(name).append("=(");
    for (int i = 0; i < values.size(); i++) {
      b.append(i == 0 ? "" : " ").append(quote(values.get(i)));
    }
    b.append(")\n");
  }

  /** A word in single quotes, each {@code '} as {@code '\''}: bash takes everything else as is. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
