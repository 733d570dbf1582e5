package dev.forkline.pipelines.config;

import dev.forkline.pipelines.exec.StageChain;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.Pipeline;

/**
 * How a pipeline lists its inputs (the top-level key {@code listing}). {@link #SINGLE}: one task
 * walks the folder or reads every list and de-duplicates in memory; fastest where one JVM runs
 * everything. {@link #SPLIT}: the listing is split over the runner's workers (folders walked in
 * parallel, lists read per file and range, URLs de-duplicated by a keyed combine), so no task holds
 * every input. {@link #AUTO}: single on the Direct runner, split on a cluster runner.
 */
public enum Listing {
  AUTO,
  SINGLE,
  SPLIT;

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static List<String> configNames() {
    return Arrays.stream(values()).map(Listing::configName).toList();
  }

  static Listing fromConfigName(String name) {
    return name == null ? AUTO : valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** Whether the listing of a pipeline on {@code pipeline}'s runner is split. */
  public boolean splits(Pipeline pipeline) {
    return this == SPLIT || (this == AUTO && !StageChain.runsInThisJvm(pipeline));
  }
}
