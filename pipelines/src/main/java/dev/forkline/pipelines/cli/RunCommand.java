package dev.forkline.pipelines.cli;

import dev.forkline.pipelines.UsageException;
import dev.forkline.pipelines.config.ConfigException;
import dev.forkline.pipelines.config.ConfigLoader;
import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.run.ForklineRunner;
import dev.forkline.pipelines.run.RunOptions;
import dev.forkline.pipelines.run.RunResult;
import dev.forkline.pipelines.run.RunStoppedException;
import dev.forkline.pipelines.run.Runners;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code forkline run CONFIG}: runs a pipeline, shows progress, prints a summary. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the pipeline a config describes. Progress goes to stderr; the summary to stdout.",
      "Paths in the config resolve against its folder; paths in --set against the current one.",
      "With FORKLINE_DAEMON=1 in the environment, ./forkline hands Direct runs to a JVM kept warm"
          + " for the current folder (starts in about 0.4 s instead of 2 to 3 s);"
          + " ./forkline daemon status|stop lists or stops those JVMs."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      ExitCodes.HELP_OK,
      ExitCodes.HELP_FAILED_ROWS,
      ExitCodes.HELP_USAGE,
      ExitCodes.HELP_ABORTED
    })
final class RunCommand implements Callable<Integer> {

  /** The launcher sets this when stderr is a terminal; Java cannot tell by itself. */
  static final String TTY_PROPERTY = "forkline.stderr.tty";

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "The YAML config to run.")
  Path config;

  @Option(
      names = "--runner",
      paramLabel = "RUNNER",
      defaultValue = "direct",
      completionCandidates = RunnerNames.class,
      description = {
        "Beam runner: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}, embedded).",
        "flink: an embedded Flink mini-cluster, or --flink-master; spark: Spark local[N]"
            + " (N = cores), or --spark-master. The launcher builds these on first use."
      })
  String runner;

  @Option(
      names = "--flink-master",
      paramLabel = "HOST:PORT",
      description =
          "With --runner flink: submit to the running Flink cluster whose REST endpoint is"
              + " HOST:PORT (default: [local], an embedded mini-cluster).")
  String flinkMaster;

  @Option(
      names = "--spark-master",
      paramLabel = "URL",
      description =
          "With --runner spark: the Spark master, e.g. local[4] or spark://HOST:7077"
              + " (default: local[N], N = cores).")
  String sparkMaster;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = {
        "Override a config key (repeatable). Examples:",
        "  --set stages.read.threads=16",
        "  --set output=out/run2",
        "  --set image-filter.include=**.png",
        "  --set 'image-filter.include=[\"**.png\", \"**.gif\"]'"
      })
  List<String> overrides = new ArrayList<>();

  @Option(
      names = "--base",
      paramLabel = "DIR",
      description =
          "Resolve the relative paths inside the config against DIR instead of the config's"
              + " own folder.")
  Path base;

  @Option(
      names = "--resume",
      description =
          "Keep the ok rows of the table an earlier finished run left in the same output folder"
              + " (when their input and output files still exist) and process only the rest.")
  boolean resume;

  @Option(
      names = "--progress",
      paramLabel = "MODE",
      defaultValue = "auto",
      description =
          "Progress on stderr: auto (a live line on a terminal, plain lines otherwise),"
              + " line, plain, json (a JSON object a second, for programs), none"
              + " (default: ${DEFAULT-VALUE}).")
  String progress;

  @Override
  public Integer call() throws ConfigException {
    String master = master();
    if (!Runners.DIRECT.equals(runner)) {
      Runners.require(runner);
    }
    if (!List.of("auto", "line", "plain", "json", "none").contains(progress)) {
      throw new UsageException(
          "--progress " + progress + ": accepted values are auto, line, plain, json, none");
    }
    ForklineConfig loaded = ConfigLoader.load(config, overrides, Path.of(""), base);
    ForklineRunner.definition(loaded);
    boolean terminal =
        progress.equals("line") || (progress.equals("auto") && Boolean.getBoolean(TTY_PROPERTY));
    RunOptions options =
        new RunOptions(
            runner,
            master,
            resume,
            false,
            progress.equals("none") ? null : System.err,
            terminal,
            terminal || progress.equals("json") ? Duration.ofSeconds(1) : Duration.ofSeconds(5));
    if (progress.equals("json")) {
      options = options.withJsonProgress();
    }
    PrintWriter out = spec.commandLine().getOut();
    RunResult result;
    try {
      result = ForklineRunner.run(loaded, options);
    } catch (RunStoppedException e) {
      if (e.partial() != null) {
        out.print(RunSummary.render(e.partial(), "stopped"));
        out.flush();
      }
      throw e;
    }
    out.print(RunSummary.render(result));
    out.flush();
    return result.allOk() ? ExitCodes.OK : ExitCodes.FAILED_ROWS;
  }

  /** Checks --runner and its master flag; returns the master (null: the runner's default). */
  private String master() {
    if (!Runners.NAMES.contains(runner)) {
      throw new UsageException(
          "--runner " + runner + ": unknown runner; accepted: " + String.join(", ", Runners.NAMES));
    }
    if (flinkMaster != null && !Runners.FLINK.equals(runner)) {
      throw new UsageException(
          "--flink-master needs --runner flink (the runner is " + runner + ")");
    }
    if (sparkMaster != null && !Runners.SPARK.equals(runner)) {
      throw new UsageException(
          "--spark-master needs --runner spark (the runner is " + runner + ")");
    }
    String master = Runners.FLINK.equals(runner) ? flinkMaster : sparkMaster;
    String bad = Runners.checkMaster(runner, master);
    if (bad != null) {
      throw new UsageException(bad);
    }
    return master;
  }

  /** The runners {@code --runner} accepts. */
  static final class RunnerNames extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    RunnerNames() {
      super(Runners.NAMES);
    }
  }
}
