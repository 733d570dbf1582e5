package dev.forkline.pipelines.run;

import java.io.PrintStream;
import java.time.Duration;

/**
 * How to run a config, beyond the config itself.
 *
 * @param runner the Beam runner; only {@code direct} in this version
 * @param resume skip inputs an earlier run of the same output finished
 * @param strictChecks keep the Direct runner's immutability and encodability checks (tests)
 * @param progress where the live progress goes (stderr), or null for none
 * @param progressIsTerminal redraw one line in place; otherwise print plain lines
 * @param progressInterval how often progress is printed
 */
public record RunOptions(
    String runner,
    boolean resume,
    boolean strictChecks,
    PrintStream progress,
    boolean progressIsTerminal,
    Duration progressInterval) {

  /** Defaults for a test or library call: Direct runner, strict checks, no progress output. */
  public static RunOptions quiet() {
    return new RunOptions("direct", false, true, null, false, Duration.ofSeconds(1));
  }

  public RunOptions withResume(boolean resume) {
    return new RunOptions(
        runner, resume, strictChecks, progress, progressIsTerminal, progressInterval);
  }
}
