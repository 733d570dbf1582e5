package dev.forkline.pipelines.config;

import dev.forkline.pipelines.exec.Executor;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The pipelines forkline runs, with their stages and the shape of their input. */
public enum PipelineType {
  IMAGE_FILTER(
      "image-filter",
      "a folder of images",
      true,
      List.of(
          new StageSpec(
              "read",
              "read each file's bytes",
              Executor.THREADS,
              8,
              0,
              0,
              Duration.ofSeconds(30),
              1,
              false),
          new StageSpec(
              "transform",
              "probe, decode, filter and encode each image",
              Executor.PROCESSES,
              0,
              defaultWorkers(),
              1L << 30,
              Duration.ofSeconds(60),
              2,
              true),
          new StageSpec(
              "write",
              "write each output file atomically",
              Executor.THREADS,
              4,
              0,
              0,
              Duration.ofSeconds(30),
              1,
              false))),
  URL_SCRAPE(
      "url-scrape",
      "one or more URL lists (text, one URL per line, or CSV with a url column)",
      false,
      List.of(
          new StageSpec(
              "fetch",
              "fetch each URL over HTTP",
              Executor.THREADS,
              32,
              0,
              0,
              Duration.ofSeconds(30),
              3,
              false),
          new StageSpec(
              "parse",
              "parse each page and extract fields",
              Executor.PROCESSES,
              0,
              defaultWorkers(),
              256L << 20,
              Duration.ofSeconds(30),
              1,
              true)));

  private final String configName;
  private final String inputDescription;
  private final boolean inputIsDirectory;
  private final List<StageSpec> stages;

  PipelineType(
      String configName,
      String inputDescription,
      boolean inputIsDirectory,
      List<StageSpec> stages) {
    this.configName = configName;
    this.inputDescription = inputDescription;
    this.inputIsDirectory = inputIsDirectory;
    this.stages = stages;
  }

  /** One worker JVM per core, leaving nothing idle and nothing oversubscribed. */
  static int defaultWorkers() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /** The name configs use, which is also the key of the pipeline's own section. */
  public String configName() {
    return configName;
  }

  /** What {@code input} must be, for messages. */
  public String inputDescription() {
    return inputDescription;
  }

  /** True if {@code input} is one folder; false if it is one or more files. */
  public boolean inputIsDirectory() {
    return inputIsDirectory;
  }

  /** The stages, in data-flow order. */
  public List<StageSpec> stages() {
    return stages;
  }

  /** The spec of a stage by name. */
  public Optional<StageSpec> stage(String name) {
    return stages.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  public static List<String> configNames() {
    return Arrays.stream(values()).map(PipelineType::configName).toList();
  }

  public static Optional<PipelineType> fromConfigName(String name) {
    return Arrays.stream(values()).filter(p -> p.configName.equals(name)).findFirst();
  }
}
