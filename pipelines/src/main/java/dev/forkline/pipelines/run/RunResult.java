package dev.forkline.pipelines.run;

import dev.forkline.pipelines.config.ForklineConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a finished run produced: its final counters, the table written and how long it took.
 *
 * @param carriedOver rows of an earlier run kept by {@code --resume}
 */
public record RunResult(
    ForklineConfig config,
    MetricsSnapshot metrics,
    Path table,
    long carriedOver,
    Duration wallTime) {

  /** True if every row of this run is ok. */
  public boolean allOk() {
    return metrics.rowsFailed() == 0;
  }
}
