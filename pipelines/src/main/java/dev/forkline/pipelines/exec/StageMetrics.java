package dev.forkline.pipelines.exec;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * The names of forkline's Beam metrics, which the progress line and the run summary read back on
 * any runner. All live in namespace {@value #NAMESPACE}:
 *
 * <ul>
 *   <li>{@code inputs}: inputs discovered (files matched, URLs read);
 *   <li>{@code STAGE.ok}, {@code STAGE.failed}: elements a stage finished;
 *   <li>{@code STAGE.busy_us}: time the stage's calls took, summed over elements;
 *   <li>{@code rows.ok}, {@code rows.failed.KIND}: rows of the result table;
 *   <li>{@code resume.skipped}, {@code resume.carried}: inputs and rows {@code --resume} kept.
 * </ul>
 */
public final class StageMetrics {
  public static final String NAMESPACE = "forkline";
  public static final String INPUTS = "inputs";
  public static final String ROWS_OK = "rows.ok";

  /** Inputs {@code --resume} skipped because an earlier run finished them. */
  public static final String RESUME_SKIPPED = "resume.skipped";

  /** Rows of an earlier run {@code --resume} kept in the new table. */
  public static final String RESUME_CARRIED = "resume.carried";

  public static final String ROWS_FAILED_PREFIX = "rows.failed.";
  public static final String OK_SUFFIX = ".ok";
  public static final String FAILED_SUFFIX = ".failed";
  public static final String BUSY_SUFFIX = ".busy_us";

  private final Counter ok;
  private final Counter failed;
  private final Counter busyMicros;

  /** The counters of one stage. */
  public StageMetrics(String stage) {
    this.ok = Metrics.counter(NAMESPACE, stage + OK_SUFFIX);
    this.failed = Metrics.counter(NAMESPACE, stage + FAILED_SUFFIX);
    this.busyMicros = Metrics.counter(NAMESPACE, stage + BUSY_SUFFIX);
  }

  /** Counts one finished element and the time its call took. */
  public void finished(boolean succeeded, long nanos) {
    (succeeded ? ok : failed).inc();
    busyMicros.inc(nanos / 1_000);
  }

  /** The counter of discovered inputs. */
  public static Counter inputs() {
    return Metrics.counter(NAMESPACE, INPUTS);
  }

  /** The counter of result rows with a given status and failure kind (null when ok). */
  public static Counter rows(String failureKind) {
    return Metrics.counter(
        NAMESPACE, failureKind == null ? ROWS_OK : ROWS_FAILED_PREFIX + failureKind);
  }
}
