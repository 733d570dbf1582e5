package dev.forkline.pipelines.config;

import dev.forkline.pipelines.exec.Executor;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a YAML config, applies {@code --set key=value} overrides and validates the result.
 *
 * <p>Every problem names where it is (file:line:column, or the {@code --set} flag), the key, what
 * was wrong and what is accepted. All problems of a config are reported at once.
 *
 * <pre>{@code
 * ForklineConfig config = ConfigLoader.load(Path.of("configs/image-filter.yaml"),
 *     List.of("stages.read.threads=16"), Path.of(""));
 * }</pre>
 */
public final class ConfigLoader {
  private static final long MIN_HEAP = 32L << 20;
  private static final long MAX_HEAP = 64L << 30;

  private ConfigLoader() {}

  /**
   * Reads and validates a config.
   *
   * @param file the YAML file; relative paths inside it resolve against its folder
   * @param overrides {@code key=value} strings; {@code key} is a dotted path such as {@code
   *     stages.read.threads}, {@code value} is YAML; relative paths resolve against {@code cwd}
   * @param cwd the working directory for paths given in overrides
   * @throws ConfigException with every problem found
   */
  public static ForklineConfig load(Path file, List<String> overrides, Path cwd)
      throws ConfigException {
    return load(file, overrides, cwd, null);
  }

  /**
   * {@link #load(Path, List, Path)}, with the relative paths inside the file resolved against
   * {@code base} instead of the file's folder (null: the file's folder): a config submitted to
   * {@code forkline serve} is kept in the service's data folder but means the folder it came from.
   */
  public static ForklineConfig load(Path file, List<String> overrides, Path cwd, Path base)
      throws ConfigException {
    String source = file.toString();
    String text = readFile(file);
    ConfigNode root = YamlTree.parse(text, source, true);
    if (root == null) {
      throw new ConfigException(
          new Location(source, 1, 1),
          "the config is empty; it needs at least the keys pipeline, input and output");
    }
    if (root.kind() != ConfigNode.Kind.MAP) {
      throw new ConfigException(
          root.location(),
          "a config is a mapping of keys (pipeline, input, output, stages, ...), found "
              + root.kind().description());
    }
    for (String override : overrides) {
      Overrides.apply(root, override);
    }
    Path configDir =
        base != null
            ? base.toAbsolutePath().normalize()
            : file.toAbsolutePath().normalize().getParent();
    Section.Context context = new Section.Context(configDir, cwd.toAbsolutePath().normalize());
    ForklineConfig config = bind(Section.root(context, root), source, file);
    if (!context.problems().isEmpty()) {
      throw new ConfigException(context.problems());
    }
    return config;
  }

  /** Configs are small; a larger file is surely not a config, and YAML parsing is not linear. */
  static final long MAX_CONFIG_BYTES = 1 << 20;

  private static String readFile(Path file) throws ConfigException {
    Location at = Location.flag(file.toString());
    try {
      if (Files.isSymbolicLink(file) && !Files.exists(file)) {
        throw new ConfigException(
            at, "is a symbolic link to " + Files.readSymbolicLink(file) + ", which does not exist");
      }
      if (!Files.exists(file)) {
        throw new ConfigException(
            at, "config file not found (looked at " + file.toAbsolutePath() + ")");
      }
      if (Files.isDirectory(file)) {
        throw new ConfigException(at, "is a folder; give the path of a YAML config file");
      }
      if (!Files.isRegularFile(file)) {
        throw new ConfigException(
            at, "is not a regular file (a FIFO or device); give the path of a YAML config file");
      }
      long size = Files.size(file);
      if (size > MAX_CONFIG_BYTES) {
        throw new ConfigException(
            at,
            "is "
                + Units.formatSize(size)
                + "; a config is a small YAML file (at most "
                + Units.formatSize(MAX_CONFIG_BYTES)
                + ")");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (MalformedInputException e) {
      throw new ConfigException(at, "is not UTF-8 text; a config is a YAML file in UTF-8");
    } catch (IOException e) {
      throw new ConfigException(at, "cannot read the config: " + e);
    }
  }

  private static ForklineConfig bind(Section root, String source, Path file) {
    String name = root.requiredChoice("pipeline", PipelineType.configNames());
    PipelineType type = name == null ? null : PipelineType.fromConfigName(name).orElse(null);

    String inputHint = type == null ? "the input of the pipeline" : type.inputDescription();
    List<Path> inputs = root.paths("input");
    if (root.node("input").isEmpty()) {
      root.missing("input", inputHint);
    }
    Path output = root.path("output");
    if (root.node("output").isEmpty()) {
      root.missing("output", "the folder results are written to");
    }

    ImageFilterSettings imageFilter = null;
    UrlScrapeSettings urlScrape = null;
    for (PipelineType other : PipelineType.values()) {
      String key = other.configName();
      if (other == type) {
        Section section = root.section(key);
        if (other == PipelineType.IMAGE_FILTER) {
          imageFilter = ImageFilterSettings.read(section);
        } else {
          urlScrape = UrlScrapeSettings.read(section);
        }
      } else if (type != null && root.has(key)) {
        root.problem(
            key,
            "this section configures the "
                + key
                + " pipeline, but this config runs '"
                + type.configName()
                + "'; remove it or change 'pipeline'");
      } else {
        root.has(key);
      }
    }

    Map<String, StageConfig> stages = new LinkedHashMap<>();
    Section stagesSection = root.section("stages");
    if (type != null) {
      for (StageSpec spec : type.stages()) {
        stages.put(spec.name(), readStage(stagesSection.section(spec.name()), spec));
      }
      stagesSection.finish();
    }
    Listing listing = Listing.fromConfigName(root.choice("listing", "auto", Listing.configNames()));
    root.finish();

    if (type != null) {
      checkInputs(root, type, inputs);
      if (output != null) {
        checkOutput(root, type, inputs, output);
      }
    }
    return new ForklineConfig(file, type, inputs, output, stages, imageFilter, urlScrape, listing);
  }

  private static StageConfig readStage(Section s, StageSpec spec) {
    String executorName = s.choice("executor", spec.executor().configName(), spec.executorNames());
    Executor executor = Executor.fromConfigName(executorName);
    int threads =
        s.integer("threads", Math.max(1, spec.threads() == 0 ? 8 : spec.threads()), 1, 4096);
    // Only CPU stages run on worker processes, so only they take the pool's keys.
    int workers = Math.max(1, spec.workers() == 0 ? PipelineType.defaultWorkers() : spec.workers());
    long heap = spec.heapBytes() == 0 ? 256L << 20 : spec.heapBytes();
    int maxTasks = 0;
    if (spec.cpu()) {
      workers = s.integer("workers", workers, 1, 256);
      heap = s.size("heap", heap, MIN_HEAP, MAX_HEAP);
      maxTasks = s.integer("max-tasks-per-worker", 0, 0, Integer.MAX_VALUE);
    }
    Duration timeout = s.duration("timeout", spec.timeout(), Duration.ofMillis(10));
    int retries = s.integer("retries", spec.retries(), 0, 100);
    s.finish();
    return new StageConfig(
        spec.name(), executor, threads, workers, heap, timeout, retries, maxTasks);
  }

  private static void checkInputs(Section root, PipelineType type, List<Path> inputs) {
    if (type.inputIsDirectory() && inputs.size() > 1) {
      root.problem(
          "input", "give one folder; " + type.configName() + " reads " + type.inputDescription());
      return;
    }
    for (Path input : inputs) {
      String problem = null;
      if (!Files.exists(input)) {
        problem = "'" + input + "' does not exist";
      } else if (type.inputIsDirectory() && !Files.isDirectory(input)) {
        problem =
            "'" + input + "' is a file; " + type.configName() + " reads " + type.inputDescription();
      } else if (!type.inputIsDirectory() && Files.isDirectory(input)) {
        problem =
            "'"
                + input
                + "' is a folder; "
                + type.configName()
                + " reads "
                + type.inputDescription();
      } else if (!Files.isReadable(input)) {
        problem = "'" + input + "' is not readable by this user";
      } else if (!type.inputIsDirectory()) {
        problem = PipelineChecks.of(type).inputProblem(input);
      }
      if (problem != null) {
        root.problem("input", problem + " (expected " + type.inputDescription() + ")");
      }
    }
  }

  private static void checkOutput(Section root, PipelineType type, List<Path> inputs, Path output) {
    if (Files.exists(output) && !Files.isDirectory(output)) {
      root.problem(
          "output",
          "'"
              + output
              + "' exists and is not a folder; output is a folder (created if"
              + " missing)");
      return;
    }
    Path existing = output;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null && !Files.isDirectory(existing)) {
      root.problem("output", "cannot create '" + output + "': '" + existing + "' is not a folder");
      return;
    }
    if (existing == null || !Files.isWritable(existing)) {
      root.problem(
          "output", "cannot create or write '" + output + "' (" + existing + " is not writable)");
      return;
    }
    if (type.inputIsDirectory()) {
      Path realOutput = real(output);
      for (Path input : inputs) {
        Path realInput = real(input);
        if (realOutput.startsWith(realInput) || realInput.startsWith(realOutput)) {
          root.problem(
              "output",
              "'"
                  + output
                  + "' overlaps the input folder '"
                  + input
                  + "'; forkline never writes into its input: choose a folder outside it");
        }
      }
    }
  }

  /** The real path of the longest existing prefix, plus the rest: resolves symlinked parents. */
  private static Path real(Path path) {
    Path existing = path;
    Path rest = Path.of("");
    while (existing != null && !Files.exists(existing)) {
      rest = existing.getFileName().resolve(rest);
      existing = existing.getParent();
    }
    try {
      return existing == null ? path : existing.toRealPath().resolve(rest).normalize();
    } catch (IOException e) {
      return path;
    }
  }
}
