package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.config.PipelineChecks;
import dev.forkline.pipelines.config.PipelineType;
import java.nio.file.Path;
import java.util.List;

/** The url-scrape config's checks: a CSV list's header, the table's own column names. */
public final class UrlScrapeChecks implements PipelineChecks {
  @Override
  public PipelineType pipeline() {
    return PipelineType.URL_SCRAPE;
  }

  @Override
  public String inputProblem(Path input) {
    return UrlLists.headerProblem(input);
  }

  @Override
  public List<String> builtInColumns() {
    return PageColumns.BUILT_IN;
  }
}
