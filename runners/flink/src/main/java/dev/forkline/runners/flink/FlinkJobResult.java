package dev.forkline.runners.flink;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.runners.flink.metrics.FlinkMetricContainer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.joda.time.Duration;

/**
 * A detached Flink job, followed through its {@link JobClient}: while it runs, state and metrics
 * (Beam keeps them in the accumulator {@value FlinkMetricContainer#ACCUMULATOR_NAME}) come from the
 * cluster; once it ended, from its {@link JobExecutionResult}, which outlives an embedded
 * mini-cluster. A failed job's exception comes out of {@link #waitUntilFinish} as a {@link
 * Pipeline.PipelineExecutionException}, as from the other runners.
 */
final class FlinkJobResult implements PipelineResult {
  private final JobClient client;
  private final CompletableFuture<JobExecutionResult> end;

  FlinkJobResult(JobClient client) {
    this.client = client;
    this.end = client.getJobExecutionResult();
  }

  @Override
  public State getState() {
    if (end.isDone()) {
      return end.isCompletedExceptionally() ? State.FAILED : State.DONE;
    }
    return State.RUNNING;
  }

  @Override
  public State cancel() {
    try {
      client.cancel().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Already ended, or the cluster is gone: the state below says which.
    }
    return end.isDone() ? getState() : State.CANCELLED;
  }

  @Override
  public State waitUntilFinish(Duration duration) {
    try {
      if (duration == null || duration.getMillis() <= 0) {
        end.get();
      } else {
        end.get(duration.getMillis(), TimeUnit.MILLISECONDS);
      }
      return State.DONE;
    } catch (TimeoutException e) {
      return State.RUNNING;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return State.UNKNOWN;
    } catch (ExecutionException e) {
      throw new Pipeline.PipelineExecutionException(e.getCause() == null ? e : e.getCause());
    }
  }

  @Override
  public State waitUntilFinish() {
    return waitUntilFinish(Duration.ZERO);
  }

  @Override
  public MetricResults metrics() {
    Object step = null;
    try {
      if (end.isDone() && !end.isCompletedExceptionally()) {
        step = end.get().getAllAccumulatorResults().get(FlinkMetricContainer.ACCUMULATOR_NAME);
      } else {
        Map<String, Object> live = client.getAccumulators().get(5, TimeUnit.SECONDS);
        step = live.get(FlinkMetricContainer.ACCUMULATOR_NAME);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // Not started yet, or just ended: no metrics this time.
    }
    return MetricsContainerStepMap.asAttemptedOnlyMetricResults(
        step instanceof MetricsContainerStepMap map ? map : new MetricsContainerStepMap());
  }
}
