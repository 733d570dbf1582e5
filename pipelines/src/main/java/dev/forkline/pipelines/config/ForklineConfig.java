package dev.forkline.pipelines.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A validated run config: which pipeline, its input and output, each stage's executor and knobs,
 * and the pipeline's own settings. Built only by {@link ConfigLoader}, so every instance is valid.
 *
 * @param source the config file as named on the command line
 * @param pipeline which pipeline runs
 * @param inputs the input folder (image-filter) or URL list files (url-scrape), absolute
 * @param output the output folder, absolute
 * @param stages every stage of the pipeline, in data-flow order, defaults filled in
 * @param imageFilter the image-filter section; null for other pipelines
 * @param urlScrape the url-scrape section; null for other pipelines
 * @param listing how the inputs are listed: in one task, or split over the runner's workers
 */
public record ForklineConfig(
    Path source,
    PipelineType pipeline,
    List<Path> inputs,
    Path output,
    Map<String, StageConfig> stages,
    ImageFilterSettings imageFilter,
    UrlScrapeSettings urlScrape,
    Listing listing) {

  public ForklineConfig {
    inputs = List.copyOf(inputs);
    stages = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stages));
  }

  /** The settings of a stage the pipeline declares. */
  public StageConfig stage(String name) {
    StageConfig stage = stages.get(name);
    if (stage == null) {
      throw new IllegalArgumentException(
          "pipeline " + pipeline.configName() + " has no stage '" + name + "'");
    }
    return stage;
  }

  /** The executor of each stage, for result rows: {@code read=threads,transform=processes}. */
  public String executors() {
    return stages.values().stream()
        .map(s -> s.name() + "=" + s.executor().configName())
        .collect(java.util.stream.Collectors.joining(","));
  }
}
