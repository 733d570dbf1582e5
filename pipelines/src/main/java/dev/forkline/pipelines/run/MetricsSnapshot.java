package dev.forkline.pipelines.run;

import dev.forkline.pipelines.exec.LiveCounters;
import dev.forkline.pipelines.exec.StageMetrics;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * forkline's counters at one moment, read through Beam's metrics API so it works on every runner.
 * Counters of several steps with the same name are summed.
 */
public final class MetricsSnapshot {
  private final Map<String, Long> counters;

  MetricsSnapshot(Map<String, Long> counters) {
    this.counters = counters;
  }

  /** Reads the counters of a running or finished pipeline; empty if the runner has none yet. */
  public static MetricsSnapshot of(PipelineResult result, boolean finished) {
    Map<String, Long> counters = new TreeMap<>();
    try {
      MetricQueryResults metrics =
          result
              .metrics()
              .queryMetrics(
                  MetricsFilter.builder()
                      .addNameFilter(MetricNameFilter.inNamespace(StageMetrics.NAMESPACE))
                      .build());
      for (MetricResult<Long> counter : metrics.getCounters()) {
        counters.merge(counter.getName().getName(), value(counter, finished), Long::sum);
      }
    } catch (RuntimeException e) {
      // Some runners have no metrics until the job is fully started: report nothing yet.
    }
    if (!finished) {
      // A runner in this JVM commits counters when a bundle ends: what the DoFns counted so far.
      LiveCounters.snapshot().forEach((name, live) -> counters.merge(name, live, Math::max));
    }
    return new MetricsSnapshot(counters);
  }

  private static long value(MetricResult<Long> counter, boolean finished) {
    if (finished) {
      try {
        Long committed = counter.getCommitted();
        if (committed != null) {
          return committed;
        }
      } catch (UnsupportedOperationException e) {
        // Runners without committed metrics (Flink, Spark): attempted is what there is.
      }
    }
    Long attempted = counter.getAttempted();
    return attempted == null ? 0 : attempted;
  }

  /**
   * This snapshot with its row counters replaced by {@code rows} (e.g. counted from the journal of
   * a run that stopped, whose last bundle's counters a runner may have discarded).
   */
  MetricsSnapshot withRows(Map<String, Long> rows) {
    Map<String, Long> merged = new TreeMap<>(counters);
    merged.keySet().removeIf(name -> name.startsWith(StageMetrics.ROWS_FAILED_PREFIX));
    merged.remove(StageMetrics.ROWS_OK);
    merged.putAll(rows);
    return new MetricsSnapshot(merged);
  }

  /** A counter's value, 0 if it was never incremented. */
  public long get(String name) {
    return counters.getOrDefault(name, 0L);
  }

  /** Inputs discovered so far. */
  public long inputs() {
    return get(StageMetrics.INPUTS);
  }

  public long rowsOk() {
    return get(StageMetrics.ROWS_OK);
  }

  /** Failed rows by failure kind, sorted by kind. */
  public Map<String, Long> rowsFailedByKind() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach(
        (name, value) -> {
          if (name.startsWith(StageMetrics.ROWS_FAILED_PREFIX) && value > 0) {
            out.put(name.substring(StageMetrics.ROWS_FAILED_PREFIX.length()), value);
          }
        });
    return out;
  }

  public long rowsFailed() {
    return rowsFailedByKind().values().stream().mapToLong(Long::longValue).sum();
  }

  /** Counters whose name starts with {@code prefix}, by the rest of the name, sorted. */
  public Map<String, Long> withPrefix(String prefix) {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach(
        (name, value) -> {
          if (name.startsWith(prefix) && value > 0) {
            out.put(name.substring(prefix.length()), value);
          }
        });
    return out;
  }

  /** Worker JVMs a process-pool stage started. */
  public long workerStarts(String stage) {
    return get(stage + StageMetrics.WORKER_STARTS_SUFFIX);
  }

  /** Worker JVMs of a stage that ended, by how: crash, timeout, oom, recycled. */
  public Map<String, Long> workerDeaths(String stage) {
    return withPrefix(stage + StageMetrics.WORKER_DEATHS_SUFFIX);
  }

  /** Elements a stage finished, ok or failed. */
  public long stageDone(String stage) {
    return stageOk(stage) + stageFailed(stage);
  }

  public long stageOk(String stage) {
    return get(stage + StageMetrics.OK_SUFFIX);
  }

  public long stageFailed(String stage) {
    return get(stage + StageMetrics.FAILED_SUFFIX);
  }

  /** Time the stage's calls took, summed over elements, in microseconds. */
  public long stageBusyMicros(String stage) {
    return get(stage + StageMetrics.BUSY_SUFFIX);
  }
}
