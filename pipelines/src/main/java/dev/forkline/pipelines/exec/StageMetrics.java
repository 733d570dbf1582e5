package dev.forkline.pipelines.exec;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Gauge;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * The names of forkline's Beam metrics, which the progress line and the run summary read back on
 * any runner. All live in namespace {@value #NAMESPACE}:
 *
 * <ul>
 *   <li>{@code inputs}: inputs discovered (files matched, URLs read);
 *   <li>{@code STAGE.ok}, {@code STAGE.failed}: elements a stage finished;
 *   <li>{@code STAGE.failed.KIND}: failed elements of a stage by failure kind;
 *   <li>{@code STAGE.busy_us}: time the stage's calls took, summed over elements;
 *   <li>{@code STAGE.retries}: attempts after the first;
 *   <li>{@code STAGE.latency_ms} (distribution): time per element, waiting included;
 *   <li>{@code STAGE.in_flight} (gauge): elements submitted and not finished;
 *   <li>{@code STAGE.worker_starts}, {@code STAGE.worker_deaths.KIND}: worker processes of a
 *       process-pool stage ({@code crash}, {@code timeout}, {@code oom}, {@code recycled});
 *   <li>{@code rows.ok}, {@code rows.failed.KIND}: rows of the result table;
 *   <li>{@code resume.skipped}, {@code resume.carried}: inputs and rows {@code --resume} kept;
 *       {@code resume.redone}, {@code resume.dropped}: earlier ok rows redone because their input
 *       or result changed, and earlier rows dropped because their input is gone; {@code
 *       resume.duplicates}: older rows of a key the earlier table had twice.
 * </ul>
 *
 * <p>Beam collects metrics per thread: update them only from a DoFn's own thread, never from an
 * executor's.
 */
public final class StageMetrics {
  public static final String NAMESPACE = "forkline";
  public static final String INPUTS = "inputs";
  public static final String ROWS_OK = "rows.ok";

  /** Inputs {@code --resume} skipped because an earlier run finished them. */
  public static final String RESUME_SKIPPED = "resume.skipped";

  /** Files of the input folder that no {@code include} pattern matched: not rows, but told. */
  public static final String EXCLUDED = "inputs.excluded";

  /** Elements that left a stage chain, ok or failed: rows on their way (progress counts them). */
  public static final String CHAIN_DONE = "chain.done";

  /** Rows of an earlier run {@code --resume} kept in the new table. */
  public static final String RESUME_CARRIED = "resume.carried";

  /** Earlier ok rows {@code --resume} redid: their input, settings or output changed. */
  public static final String RESUME_REDONE = "resume.redone";

  /** Earlier rows {@code --resume} dropped: the listing no longer has their input. */
  public static final String RESUME_DROPPED = "resume.dropped";

  /** Older rows of a key that the earlier rows held more than once. */
  public static final String RESUME_DUPLICATES = "resume.duplicates";

  public static final String ROWS_FAILED_PREFIX = "rows.failed.";
  public static final String OK_SUFFIX = ".ok";
  public static final String FAILED_SUFFIX = ".failed";
  public static final String BUSY_SUFFIX = ".busy_us";
  public static final String RETRIES_SUFFIX = ".retries";
  public static final String WORKER_STARTS_SUFFIX = ".worker_starts";
  public static final String WORKER_DEATHS_SUFFIX = ".worker_deaths.";

  private final String stage;
  private final Counter ok;
  private final Counter failed;
  private final Counter busyMicros;
  private final Counter retries;
  private final Distribution latencyMillis;
  private final Gauge inFlight;

  /** The metrics of one stage. */
  public StageMetrics(String stage) {
    this.stage = stage;
    this.ok = counter(stage + OK_SUFFIX);
    this.failed = counter(stage + FAILED_SUFFIX);
    this.busyMicros = counter(stage + BUSY_SUFFIX);
    this.retries = counter(stage + RETRIES_SUFFIX);
    this.latencyMillis = Metrics.distribution(NAMESPACE, stage + ".latency_ms");
    this.inFlight = Metrics.gauge(NAMESPACE, stage + ".in_flight");
  }

  /** Counts one finished element and the time its call took. */
  public void finished(boolean succeeded, long nanos) {
    (succeeded ? ok : failed).inc();
    busyMicros.inc(nanos / 1_000);
  }

  /** Counts one element's outcome: ok or failed by kind, busy time, retries and latency. */
  public void finished(Outcome<?> outcome) {
    finished(outcome.ok(), outcome.callNanos());
    if (!outcome.ok()) {
      counter(stage + FAILED_SUFFIX + "." + outcome.kind()).inc();
    }
    if (outcome.attempts() > 1) {
      retries.inc(outcome.attempts() - 1L);
    }
    latencyMillis.update(outcome.elapsedNanos() / 1_000_000);
  }

  /** Counts attempts after the first that a call made itself. */
  public void retries(long n) {
    if (n > 0) {
      retries.inc(n);
    }
  }

  /** Reports the elements in flight now. */
  public void inFlight(long elements) {
    inFlight.set(elements);
  }

  /** Counts worker processes started and ended by a process-pool stage. */
  public void workers(long starts, java.util.Map<String, Long> deathsByKind) {
    if (starts > 0) {
      counter(stage + WORKER_STARTS_SUFFIX).inc(starts);
    }
    deathsByKind.forEach(
        (kind, n) -> {
          if (n > 0) {
            counter(stage + WORKER_DEATHS_SUFFIX + kind).inc(n);
          }
        });
  }

  /** forkline's counter {@code name}: Beam's, mirrored in {@link LiveCounters} for progress. */
  public static Counter counter(String name) {
    return new LiveCounters.Mirrored(Metrics.counter(NAMESPACE, name), name);
  }

  /** The counter of discovered inputs. */
  public static Counter inputs() {
    return counter(INPUTS);
  }

  /** The counter of result rows with a given status and failure kind (null when ok). */
  public static Counter rows(String failureKind) {
    return counter(failureKind == null ? ROWS_OK : ROWS_FAILED_PREFIX + failureKind);
  }
}
