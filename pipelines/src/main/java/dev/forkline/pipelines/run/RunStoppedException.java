package dev.forkline.pipelines.run;

/**
 * A run stopped before its end for a reason outside any one input (the disk is full): the previous
 * table is as it was, the rows finished so far are in the journal for {@code --resume}, and {@link
 * #partial()} has the counters up to the stop, for the summary.
 */
public final class RunStoppedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient RunResult partial;

  public RunStoppedException(String message, RunResult partial, Throwable cause) {
    super(message, cause);
    this.partial = partial;
  }

  /** What the run had done when it stopped; null if its counters could not be read. */
  public RunResult partial() {
    return partial;
  }
}
