package dev.forkline.pipelines.run;

import dev.forkline.pipelines.config.ForklineConfig;
import java.time.Duration;
import org.apache.beam.sdk.PipelineResult;

/** Waits for a running pipeline: progress lines, the report's samples, the final counters. */
final class RunWait {
  private RunWait() {}

  /**
   * Waits for the run, printing progress from its metrics. Direct, Spark and (detached) Flink all
   * return from {@code run()} at once and report metrics while running; a runner that blocks in
   * {@code run()} simply arrives here finished and shows only the summary.
   */
  static MetricsSnapshot await(
      PipelineResult result,
      ForklineConfig config,
      RunOptions options,
      long start,
      RunSamples samples) {
    ProgressMonitor monitor =
        options.progress() == null
            ? null
            : new ProgressMonitor(
                options.progress(),
                options.progressIsTerminal(),
                options.progressJson(),
                config.pipeline().stages(),
                start);
    // Wakes for the report's progress samples each second, for the progress line at its interval.
    Duration interval = options.progressInterval();
    Duration tick = interval.compareTo(RunSamples.EVERY) < 0 ? interval : RunSamples.EVERY;
    long lastShown = start;
    DirectWait direct = Runners.DIRECT.equals(options.runner()) ? new DirectWait(result) : null;
    PipelineResult.State state;
    while (true) {
      state =
          direct == null
              ? result.waitUntilFinish(org.joda.time.Duration.millis(tick.toMillis()))
              : direct.await(tick);
      if (state != null && state.isTerminal()) {
        break;
      }
      MetricsSnapshot now = MetricsSnapshot.of(result, false);
      samples.add(now);
      if (monitor != null && System.nanoTime() - lastShown >= interval.toNanos() - 1_000_000) {
        lastShown = System.nanoTime();
        monitor.update(now);
      }
    }
    if (monitor != null) {
      monitor.finish();
    }
    if (state != PipelineResult.State.DONE) {
      throw new PipelineFailedException("the pipeline ended in state " + state, null);
    }
    return MetricsSnapshot.of(result, true);
  }
}
