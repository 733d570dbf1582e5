package dev.forkline.pipelines.cli;

import dev.forkline.pipelines.run.RunResult;

/** The run summary for tests in other packages. */
public final class RunSummaryAccess {
  private RunSummaryAccess() {}

  public static String render(RunResult result) {
    return RunSummary.render(result);
  }
}
