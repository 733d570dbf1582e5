package dev.forkline.pipelines.exec;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Where a stage's per-element work runs. */
public enum Executor {
  /** Many blocking calls in flight on a bounded thread pool: for I/O. */
  THREADS,
  /** Long-lived worker JVMs, one crash or hang kills one worker, never the run: for CPU work. */
  PROCESSES,
  /** One element at a time in the Beam DoFn's own thread: the baseline. */
  INLINE;

  /** The name configs use: {@code threads}, {@code processes}, {@code inline}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** All config names, for validation messages. */
  public static List<String> configNames() {
    return Arrays.stream(values()).map(Executor::configName).toList();
  }

  /** The executor of a validated config name. */
  public static Executor fromConfigName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
