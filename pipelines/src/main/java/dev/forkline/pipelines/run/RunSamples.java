package dev.forkline.pipelines.run;

import dev.forkline.pipelines.report.RunRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Progress sampled while a run runs, for its report: rows done and each stage's elements done,
 * about once a second. A long run keeps at most {@value #MAX} samples: past that, every other one
 * goes and samples are kept half as often.
 */
final class RunSamples {
  static final Duration EVERY = Duration.ofSeconds(1);
  static final int MAX = 1200;

  private final List<String> stages;
  private final long startNanos;
  private final List<RunRecord.Sample> samples = new ArrayList<>();
  private long everyMillis = EVERY.toMillis();
  private long lastMillis = Long.MIN_VALUE;

  RunSamples(Collection<String> stages, long startNanos) {
    this.stages = List.copyOf(stages);
    this.startNanos = startNanos;
  }

  void add(MetricsSnapshot now) {
    long millis = (System.nanoTime() - startNanos) / 1_000_000;
    if (millis - lastMillis < everyMillis / 2 && !samples.isEmpty()) {
      samples.set(samples.size() - 1, sample(now, millis));
      return;
    }
    if (samples.size() >= MAX) {
      List<RunRecord.Sample> kept = new ArrayList<>();
      for (int i = 0; i < samples.size(); i += 2) {
        kept.add(samples.get(i));
      }
      samples.clear();
      samples.addAll(kept);
      everyMillis *= 2;
    }
    samples.add(sample(now, millis));
    lastMillis = millis;
  }

  private RunRecord.Sample sample(MetricsSnapshot now, long millis) {
    Map<String, Long> done = new LinkedHashMap<>();
    for (String stage : stages) {
      done.put(stage, now.stageDone(stage));
    }
    return new RunRecord.Sample(millis, ProgressMonitor.rows(now), done);
  }

  List<RunRecord.Sample> list() {
    return List.copyOf(samples);
  }
}
