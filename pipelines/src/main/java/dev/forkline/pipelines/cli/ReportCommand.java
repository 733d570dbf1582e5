package dev.forkline.pipelines.cli;

import dev.forkline.pipelines.UsageException;
import dev.forkline.pipelines.report.RunReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code forkline report OUTPUT_FOLDER}: makes a run's report.html again from its table. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Make a run's report.html again: from the table in OUTPUT_FOLDER and the run.json beside"
          + " it (a run writes both; without run.json the report has only what the table says).",
      "Prints the report's path. Exit code 0, or 2 if the folder holds no readable table."
    })
final class ReportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "OUTPUT_FOLDER", description = "A run's output folder.")
  Path folder;

  @Override
  public Integer call() {
    Path report;
    try {
      report = RunReport.write(folder);
    } catch (IOException e) {
      throw new UsageException(e.getMessage());
    }
    spec.commandLine().getOut().println(report);
    return ExitCodes.OK;
  }
}
