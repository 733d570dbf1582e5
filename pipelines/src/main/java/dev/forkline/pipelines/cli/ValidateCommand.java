package dev.forkline.pipelines.cli;

import dev.forkline.pipelines.config.ConfigException;
import dev.forkline.pipelines.config.ConfigLoader;
import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.config.ImageFilterSettings;
import dev.forkline.pipelines.config.StageConfig;
import dev.forkline.pipelines.config.Units;
import dev.forkline.pipelines.config.UrlScrapeSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code forkline validate CONFIG...}: checks configs without running anything. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check configs without running them: YAML syntax, keys, types, values, input and output"
          + " paths. Prints what each config would run, or every problem with file:line:column.",
      "Exit code 0 if all are valid, 2 otherwise."
    })
final class ValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "CONFIG", description = "YAML config files.")
  List<Path> configs = new ArrayList<>();

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = {"Override a config key (repeatable), e.g.", "  --set stages.read.threads=16"})
  List<String> overrides = new ArrayList<>();

  @Option(
      names = "--base",
      paramLabel = "DIR",
      description =
          "Resolve the relative paths inside the config against DIR instead of the config's"
              + " own folder.")
  Path base;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int exit = ExitCodes.OK;
    for (Path file : configs) {
      try {
        ForklineConfig config = ConfigLoader.load(file, overrides, Path.of(""), base);
        out.println(file + ": ok");
        out.println(describe(config));
      } catch (ConfigException e) {
        err.println(e.getMessage());
        exit = ExitCodes.USAGE;
      }
    }
    out.flush();
    err.flush();
    return exit;
  }

  /** A few lines saying what the config would run. */
  static String describe(ForklineConfig config) {
    StringBuilder text = new StringBuilder();
    text.append("  pipeline  ").append(config.pipeline().configName()).append('\n');
    text.append("  input     ").append(join(config.inputs())).append('\n');
    text.append("  output    ").append(config.output()).append('\n');
    if (config.imageFilter() != null) {
      describe(text, config.imageFilter());
    }
    if (config.urlScrape() != null) {
      describe(text, config.urlScrape());
    }
    for (StageConfig stage : config.stages().values()) {
      describe(text, stage);
    }
    return text.toString().stripTrailing();
  }

  private static void describe(StringBuilder text, ImageFilterSettings f) {
    text.append("  include   ").append(String.join(", ", f.include())).append('\n');
    text.append("  limits    ")
        .append(String.format(java.util.Locale.ROOT, "%,d", f.maxPixels()))
        .append(" pixels, ")
        .append(Units.formatSize(f.maxFileBytes()))
        .append(" per file\n");
    if (f.autoOrient()) {
      text.append("  filter    auto-orient (by EXIF)\n");
    }
    for (String filter : f.filters()) {
      text.append("  filter    ").append(filter).append('\n');
    }
    text.append("  write     ")
        .append(f.format().equals("same") ? "the same format" : f.format())
        .append(
            f.format().equals("jpeg") || f.format().equals("same")
                ? ", quality " + f.quality()
                : "")
        .append(", names ")
        .append(f.nameTemplate())
        .append(", metadata ")
        .append(f.metadata().label())
        .append('\n');
  }

  private static void describe(StringBuilder text, UrlScrapeSettings u) {
    text.append("  fetch     ")
        .append(u.perHost())
        .append(u.keyByAddress() ? " per IP address, delay " : " per host, delay ")
        .append(Units.formatDuration(u.hostDelay()))
        .append(", body up to ")
        .append(Units.formatSize(u.maxBodyBytes()))
        .append(", ")
        .append(u.maxRedirects())
        .append(" redirects, user-agent '")
        .append(u.userAgent())
        .append("'\n");
    text.append("  robots    ")
        .append(
            u.respectRobots()
                ? "obeyed, Crawl-delay up to " + Units.formatDuration(u.maxCrawlDelay())
                : "ignored")
        .append('\n');
    if (u.demoSite() != null) {
      text.append("  demo-site ")
          .append(u.demoSite())
          .append(" on http://127.0.0.1:")
          .append(u.demoSitePort())
          .append("/ during the run\n");
    }
    u.extract()
        .forEach(
            (name, e) ->
                text.append("  extract   ")
                    .append(name)
                    .append(": ")
                    .append(e.css())
                    .append(" -> ")
                    .append(e.attr())
                    .append(e.all() ? " (all)" : "")
                    .append('\n'));
  }

  private static void describe(StringBuilder text, StageConfig stage) {
    text.append("  stage     ")
        .append(String.format("%-10s", stage.name()))
        .append(stage.executor().configName());
    switch (stage.executor()) {
      case THREADS -> text.append(", ").append(stage.threads()).append(" threads");
      case PROCESSES ->
          text.append(", ")
              .append(stage.workers())
              .append(" workers of ")
              .append(Units.formatSize(stage.heapBytes()))
              .append(" heap");
      case INLINE -> {}
    }
    text.append(", timeout ")
        .append(Units.formatDuration(stage.timeout()))
        .append(", retries ")
        .append(stage.retries());
    text.append('\n');
  }

  private static String join(List<Path> paths) {
    return paths.stream().map(Path::toString).reduce((a, b) -> a + ", " + b).orElse("");
  }
}
