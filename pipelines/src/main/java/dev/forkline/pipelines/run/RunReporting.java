package dev.forkline.pipelines.run;

import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.config.StageConfig;
import dev.forkline.pipelines.report.RunRecord;
import dev.forkline.pipelines.report.RunReport;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A finished run's run.json and report.html, beside its table. */
final class RunReporting {
  private static final Logger LOG = LoggerFactory.getLogger(ForklineRunner.class);

  private RunReporting() {}

  /**
   * Writes {@code run.json} and {@code report.html} beside the table. A report that cannot be made
   * is a warning: the table is the run's result.
   */
  static void write(
      RunResult done, RunOptions options, java.time.Instant startedAt, RunSamples samples) {
    ForklineConfig config = done.config();
    MetricsSnapshot m = done.metrics();
    samples.add(m);
    java.util.List<RunRecord.Stage> stages = new java.util.ArrayList<>();
    for (StageConfig stage : config.stages().values()) {
      stages.add(
          new RunRecord.Stage(
              stage.name(),
              stage.executor().configName(),
              stage.concurrency(),
              m.stageOk(stage.name()),
              m.stageFailed(stage.name()),
              m.stageBusyMicros(stage.name()),
              m.workerStarts(stage.name()),
              m.workerDeaths(stage.name())));
    }
    RunRecord record =
        new RunRecord(
            RunRecord.VERSION,
            config.pipeline().configName(),
            config.source() == null ? null : String.valueOf(config.source().getFileName()),
            options.runner(),
            startedAt.toString(),
            done.wallTime().toMillis(),
            m.inputs(),
            m.rowsOk(),
            m.rowsFailed(),
            done.carriedOver(),
            done.table().getFileName().toString(),
            settingsInWords(config),
            stages,
            samples.list());
    long started = System.nanoTime();
    try {
      record.writeTo(config.output());
      Path report = RunReport.write(config.output());
      LOG.debug("{} written in {} ms", report, (System.nanoTime() - started) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      LOG.warn("no report for this run: {}", e.toString());
    }
  }

  /** The settings a report shows beside its figures. */
  static java.util.Map<String, String> settingsInWords(ForklineConfig config) {
    java.util.Map<String, String> words = new java.util.LinkedHashMap<>();
    words.put(
        "input",
        config.inputs().stream()
            .map(Path::toString)
            .collect(java.util.stream.Collectors.joining(", ")));
    words.put("output", config.output().toString());
    if (config.urlScrape() != null) {
      var u = config.urlScrape();
      words.put("per-host", Integer.toString(u.perHost()));
      words.put("delay", u.hostDelay().toMillis() + " ms");
      words.put(
          "robots",
          u.respectRobots()
              ? "obeyed (crawl-delay up to " + u.maxCrawlDelay().toSeconds() + " s)"
              : "ignored");
      words.put("user-agent", u.userAgent());
    }
    if (config.imageFilter() != null) {
      var i = config.imageFilter();
      words.put("filters", String.join(", ", i.filters()));
      words.put(
          "format",
          (i.format() == null || i.format().equals("same") ? "as the input" : i.format())
              + ", quality "
              + i.quality());
      words.put("metadata", String.valueOf(i.metadata()).toLowerCase(java.util.Locale.ROOT));
    }
    return words;
  }
}
