package dev.forkline.pipelines.run;

import java.io.PrintStream;
import java.time.Duration;

/**
 * How to run a config, beyond the config itself.
 *
 * @param runner the Beam runner: {@code direct}, {@code flink} or {@code spark} (see {@link
 *     Runners})
 * @param master where a cluster runner submits the job ({@code host:port} for Flink, a Spark master
 *     URL for Spark), or null for its embedded default ({@code [local]}, {@code local[N]})
 * @param resume skip inputs an earlier run of the same output finished
 * @param strictChecks keep the Direct runner's immutability and encodability checks (tests)
 * @param progress where the live progress goes (stderr), or null for none
 * @param progressIsTerminal redraw one line in place; otherwise print plain lines
 * @param progressInterval how often progress is printed
 */
public record RunOptions(
    String runner,
    String master,
    boolean resume,
    boolean strictChecks,
    PrintStream progress,
    boolean progressIsTerminal,
    Duration progressInterval,
    boolean progressJson) {

  /** Progress as text (a live line on a terminal, plain lines otherwise). */
  public RunOptions(
      String runner,
      String master,
      boolean resume,
      boolean strictChecks,
      PrintStream progress,
      boolean progressIsTerminal,
      Duration progressInterval) {
    this(
        runner,
        master,
        resume,
        strictChecks,
        progress,
        progressIsTerminal,
        progressInterval,
        false);
  }

  /**
   * Progress as one JSON object a line on {@code progress}, at each interval, for a program
   * watching the run ({@code forkline serve}): {@code {"progress": {"elapsed_ms", "inputs", "rows",
   * "ok", "failed", "stages": {NAME: {"done", "failed"}}}}}.
   */
  public RunOptions withJsonProgress() {
    return new RunOptions(
        runner, master, resume, strictChecks, progress, false, progressInterval, true);
  }

  /** Options for a runner's embedded default (no master). */
  public RunOptions(
      String runner,
      boolean resume,
      boolean strictChecks,
      PrintStream progress,
      boolean progressIsTerminal,
      Duration progressInterval) {
    this(runner, null, resume, strictChecks, progress, progressIsTerminal, progressInterval);
  }

  /** Defaults for a test or library call: Direct runner, strict checks, no progress output. */
  public static RunOptions quiet() {
    return new RunOptions("direct", null, false, true, null, false, Duration.ofSeconds(1));
  }

  public RunOptions withResume(boolean resume) {
    return new RunOptions(
        runner,
        master,
        resume,
        strictChecks,
        progress,
        progressIsTerminal,
        progressInterval,
        progressJson);
  }

  /** The same options on another runner; {@code master} null for its embedded default. */
  public RunOptions withRunner(String runner, String master) {
    return new RunOptions(
        runner,
        master,
        resume,
        strictChecks,
        progress,
        progressIsTerminal,
        progressInterval,
        progressJson);
  }
}
