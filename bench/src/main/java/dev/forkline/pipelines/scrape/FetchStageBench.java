package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.config.UrlScrapeSettings;
import dev.forkline.pipelines.exec.Stage;
import dev.forkline.pipelines.exec.StageChain;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;

/**
 * The I/O-bound stage alone, for {@code forkline bench}: read the URL lists and run the {@code
 * fetch} stage (with its per-host limit and delay) on the executor the config gives it. Pages are
 * not parsed and no table is made, so the row measures the fetch executor against the server's
 * latency.
 */
public final class FetchStageBench {
  private FetchStageBench() {}

  /** Adds read lists and fetch to {@code pipeline}; fetched pages are dropped. */
  public static void expand(Pipeline pipeline, ForklineConfig config) {
    UrlScrapeSettings settings = config.urlScrape();
    Stage<UrlTask> fetch =
        config
            .stage("fetch")
            .running(new ScrapeCalls.Fetch(UrlScrapePipeline.fetchSettings(settings, config)))
            .withPerKeyLimit(
                new UrlScrapePipeline.HostKey(), settings.perHost(), settings.hostDelay());
    UrlScrapePipeline.tasks(pipeline, config, null, null)
        .apply(StageChain.of(fetch))
        .apply("Drop", ParDo.of(new DropFn()));
  }

  static final class DropFn extends DoFn<UrlTask, Void> {
    @ProcessElement
    public void process(@Element UrlTask task) {
      // the stage counters (fetch.ok, fetch.failed) are the result
    }
  }
}
