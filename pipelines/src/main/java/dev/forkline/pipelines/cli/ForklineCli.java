package dev.forkline.pipelines.cli;

import dev.forkline.pipelines.UsageException;
import dev.forkline.pipelines.config.ConfigException;
import dev.forkline.pipelines.run.OutputFolderException;
import dev.forkline.pipelines.run.PipelineFailedException;
import dev.forkline.pipelines.run.RunStoppedException;
import dev.forkline.pipelines.run.UnsupportedPipelineException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code forkline} command: {@code run}, {@code validate} and {@code inspect}.
 *
 * <p>Exit codes: 0 all rows ok, 1 the run finished with failed rows, 2 usage or config error, 3 the
 * run aborted. Errors a user can cause print one message without a stack trace; {@code --verbose}
 * adds the stack trace and debug logs.
 */
@Command(
    name = "forkline",
    mixinStandardHelpOptions = true,
    versionProvider = ForklineCli.Version.class,
    description = {
      "Batch pipelines on Apache Beam: threads for I/O stages, worker processes for CPU stages.",
      "Every input becomes exactly one row of a Parquet table, ok or failed."
    },
    subcommands = {
      RunCommand.class,
      ValidateCommand.class,
      InspectCommand.class,
      ReportCommand.class,
      DemoSiteCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      ExitCodes.HELP_OK,
      ExitCodes.HELP_FAILED_ROWS,
      ExitCodes.HELP_USAGE,
      ExitCodes.HELP_ABORTED
    },
    footer = {"", "Also: forkline bench, to measure this machine (forkline bench --help)."})
public final class ForklineCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * Read before parsing by {@link Logging#verboseRequested}; declared so every command takes it.
   */
  @CommandLine.Option(
      names = {"-v", "--verbose"},
      scope = CommandLine.ScopeType.INHERIT,
      description = "Show debug logs, library logs and stack traces.")
  boolean verbose;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required: run, validate, inspect, demo-site or help");
  }

  public static void main(String[] args) {
    int exit;
    try {
      Logging.configure(Logging.verboseRequested(args));
      exit = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    } catch (Throwable e) {
      // An error no handler took (out of memory, say): a runner's threads are not daemons, so
      // without the exit below the JVM would live on with no one to end it.
      exit = ExitCodes.ABORTED;
      try {
        System.err.println("forkline: aborted: " + e);
        System.err.println("(run again with --verbose for the stack trace)");
        if (Logging.verboseRequested(args)) {
          e.printStackTrace();
        }
      } catch (Throwable ignored) {
        // nothing more can be said
      }
    }
    System.exit(exit);
  }

  /** Runs the CLI with the given streams and returns the exit code; what tests call. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new ForklineCli());
    for (Subcommand extra :
        java.util.ServiceLoader.load(Subcommand.class, ForklineCli.class.getClassLoader())) {
      cli.addSubcommand(extra.command());
    }
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(ForklineCli::exitCode);
    cli.setParameterExceptionHandler(
        (e, arguments) -> {
          err.println("forkline: " + e.getMessage());
          CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
          err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          err.flush();
          return ExitCodes.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          err.println("forkline: " + message(e));
          boolean explained = e instanceof RunStoppedException;
          if (Logging.verboseRequested(args) || (exitCode(e) == ExitCodes.ABORTED && !explained)) {
            if (exitCode(e) == ExitCodes.ABORTED && !Logging.verboseRequested(args)) {
              err.println("(run again with --verbose for the stack trace)");
            } else {
              e.printStackTrace(err);
            }
          }
          err.flush();
          return exitCode(e);
        });
    return cli.execute(args);
  }

  private static int exitCode(Throwable e) {
    if (e instanceof ConfigException
        || e instanceof UsageException
        || e instanceof UnsupportedPipelineException
        || e instanceof OutputFolderException
        || e instanceof CommandLine.ParameterException) {
      return ExitCodes.USAGE;
    }
    return ExitCodes.ABORTED;
  }

  private static String message(Throwable e) {
    if (e instanceof ConfigException
        || e instanceof UsageException
        || e instanceof UnsupportedPipelineException
        || e instanceof OutputFolderException
        || e instanceof PipelineFailedException
        || e instanceof RunStoppedException) {
      return e.getMessage();
    }
    return "unexpected error: " + e;
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = ForklineCli.class.getPackage().getImplementationVersion();
      return new String[] {
        "forkline " + (version == null ? "(development build)" : version),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + "), Apache Beam "
            + org.apache.beam.sdk.util.ReleaseInfo.getReleaseInfo().getVersion()
      };
    }
  }
}
