package dev.forkline.pipelines.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.exec.Executor;
import dev.forkline.workers.image.MetadataPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;
  private Path images;

  @BeforeEach
  void makeInput() throws IOException {
    images = Files.createDirectories(dir.resolve("images"));
  }

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private ForklineConfig load(String yaml, String... overrides) throws Exception {
    return ConfigLoader.load(write(yaml), List.of(overrides), dir);
  }

  private String error(String yaml, String... overrides) throws IOException {
    Path file = write(yaml);
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of(overrides), dir));
    return e.getMessage();
  }

  private static final String MINIMAL = "pipeline: image-filter\ninput: images\noutput: out\n";

  @Test
  void minimalConfigGetsDefaultsAndResolvesPathsAgainstTheFile() throws Exception {
    ForklineConfig config = load(MINIMAL);
    assertEquals(PipelineType.IMAGE_FILTER, config.pipeline());
    assertEquals(List.of(images.toAbsolutePath()), config.inputs());
    assertEquals(dir.resolve("out").toAbsolutePath(), config.output());
    assertEquals(List.of("read", "transform", "write"), List.copyOf(config.stages().keySet()));
    assertEquals(Executor.THREADS, config.stage("read").executor());
    assertEquals(Executor.PROCESSES, config.stage("transform").executor());
    assertEquals(1L << 30, config.stage("transform").heapBytes());
    assertEquals(ImageFilterSettings.DEFAULT_MAX_PIXELS, config.imageFilter().maxPixels());
  }

  @Test
  void stageKnobsAreRead() throws Exception {
    ForklineConfig config =
        load(
            MINIMAL
                + "stages:\n  transform:\n    executor: inline\n    heap: 1g\n"
                + "    timeout: 1.5m\n    retries: 0\n  read: {threads: 3}\n");
    StageConfig transform = config.stage("transform");
    assertEquals(Executor.INLINE, transform.executor());
    assertEquals(1L << 30, transform.heapBytes());
    assertEquals(Duration.ofSeconds(90), transform.timeout());
    assertEquals(0, transform.retries());
    assertEquals(3, config.stage("read").threads());
  }

  @Test
  void unknownKeyNamesLineColumnSuggestionAndAcceptedKeys() throws IOException {
    String message = error(MINIMAL + "stages:\n  read:\n    treads: 8\n");
    assertEquals(
        "config.yaml:6:5: unknown key 'treads' in stages.read; did you mean 'threads'?"
            + " Accepted keys: executor, threads, timeout, retries",
        message.replace(dir.toString() + "/", ""));
  }

  @Test
  void unknownTopLevelKeyListsTheTopLevelKeys() throws IOException {
    String message = error(MINIMAL + "ouptut_dir: x\n");
    assertTrue(message.contains(":4:1: unknown key 'ouptut_dir' at the top level"), message);
    assertTrue(
        message.contains(
            "Accepted keys: pipeline, input, output, image-filter, url-scrape, stages, listing"),
        message);
  }

  @Test
  void unknownStageSuggestsTheStage() throws IOException {
    String message = error(MINIMAL + "stages:\n  wirte: {threads: 2}\n");
    assertTrue(
        message.contains(
            ":5:3: unknown key 'wirte' in stages; did you mean 'write'?"
                + " Accepted keys: read, transform, write"),
        message);
  }

  @Test
  void wrongTypeSaysWhatIsExpected() throws IOException {
    String message = error(MINIMAL + "stages:\n  read:\n    threads: eight\n");
    assertTrue(
        message.endsWith(
            ":6:14: stages.read.threads: 'eight' is not a whole number from 1" + " to 4096"),
        message);
  }

  @Test
  void mappingWhereAScalarIsExpected() throws IOException {
    String message = error(MINIMAL + "stages:\n  read:\n    threads: {a: 1}\n");
    assertTrue(
        message.contains(
            "stages.read.threads: expected a whole number from 1 to 4096," + " found a mapping"),
        message);
  }

  @Test
  void outOfRangeNumber() throws IOException {
    String message = error(MINIMAL + "stages:\n  read:\n    threads: 0\n");
    assertTrue(
        message.contains(
            "stages.read.threads: 0 is out of range; expected a whole number" + " from 1 to 4096"),
        message);
  }

  @Test
  void anIoStageCannotRunOnProcesses() throws IOException {
    String message = error(MINIMAL + "stages:\n  read:\n    executor: processes\n");
    assertTrue(
        message.contains(
                "stages.read.executor: 'processes' is not accepted; Accepted values: threads, inline")
            || message.contains("'processes' is not accepted")
                && message.contains("Accepted values: threads, inline"),
        message);
  }

  @Test
  void aCpuStageTakesThePoolKeys() throws Exception {
    ForklineConfig config =
        load(
            MINIMAL
                + "stages:\n  transform:\n    executor: processes\n    workers: 3\n"
                + "    heap: 128m\n    max-tasks-per-worker: 500\n");
    StageConfig transform = config.stage("transform");
    assertEquals(3, transform.workers());
    assertEquals(128L << 20, transform.heapBytes());
    assertEquals(500, transform.maxTasksPerWorker());
  }

  @Test
  void badExecutorSuggestsTheExecutor() throws IOException {
    String message = error(MINIMAL + "stages:\n  read:\n    executor: thread\n");
    assertTrue(
        message.contains(
            ":6:15: stages.read.executor: 'thread' is not accepted; did you"
                + " mean 'threads'? Accepted values: threads, inline"),
        message);
  }

  @Test
  void badDurationShowsTheAcceptedForms() throws IOException {
    String message = error(MINIMAL + "stages:\n  read:\n    timeout: 30\n");
    assertTrue(
        message.contains(
            "stages.read.timeout: '30' is not a duration; expected a number"
                + " with a unit: 500ms, 30s, 5m, 2h, 1d"),
        message);
  }

  @Test
  void badSizeShowsTheAcceptedForms() throws IOException {
    String message = error(MINIMAL + "stages:\n  transform:\n    heap: lots\n");
    assertTrue(
        message.contains(
            "stages.transform.heap: 'lots' is not a size; expected bytes, or a"
                + " number with k, m, g or t"),
        message);
  }

  @Test
  void missingRequiredKeysAreAllReported() throws IOException {
    String message = error("stages: {}\n");
    assertTrue(
        message.contains("missing required key 'pipeline': one of image-filter, url-scrape"),
        message);
    assertTrue(message.contains("missing required key 'input'"), message);
    assertTrue(message.contains("missing required key 'output'"), message);
  }

  @Test
  void unknownPipelineSuggestsTheClosest() throws IOException {
    String message = error("pipeline: image-filtr\ninput: images\noutput: out\n");
    assertTrue(
        message.contains(
            ":1:11: pipeline: 'image-filtr' is not accepted; did you mean"
                + " 'image-filter'? Accepted values: image-filter, url-scrape"),
        message);
  }

  @Test
  void missingInputFolderIsAnError() throws IOException {
    String message = error("pipeline: image-filter\ninput: photos\noutput: out\n");
    assertTrue(
        message.contains(
            ":2:8: input: '"
                + dir.resolve("photos")
                + "' does not exist"
                + " (expected a folder of images)"),
        message);
  }

  @Test
  void inputFileWhereAFolderIsExpected() throws IOException {
    Files.writeString(dir.resolve("list.txt"), "x");
    String message = error("pipeline: image-filter\ninput: list.txt\noutput: out\n");
    assertTrue(message.contains("is a file; image-filter reads a folder of images"), message);
  }

  @Test
  void outputInsideInputIsRefused() throws IOException {
    String message = error("pipeline: image-filter\ninput: images\noutput: images/out\n");
    assertTrue(
        message.contains("output: '" + images.resolve("out") + "' overlaps the input folder"),
        message);
  }

  @Test
  void sectionOfTheOtherPipelineIsAnError() throws IOException {
    String message = error(MINIMAL + "url-scrape:\n  per-host: 2\n");
    assertTrue(
        message.contains(
            ":4:1: url-scrape: this section configures the url-scrape"
                + " pipeline, but this config runs 'image-filter'"),
        message);
  }

  @Test
  void duplicateKeyIsAnError() throws IOException {
    String message = error(MINIMAL + "output: again\n");
    assertTrue(message.contains(":4:1: duplicate key 'output' (first at line 3)"), message);
  }

  @Test
  void yamlSyntaxErrorHasALine() throws IOException {
    String message = error(MINIMAL + "stages:\n  read: [threads: 2\n");
    assertTrue(message.matches("(?s).*config\\.yaml:\\d+:\\d+: YAML syntax error: .*"), message);
  }

  @Test
  void emptyFileSaysWhatIsNeeded() throws IOException {
    String message = error("# nothing\n");
    assertTrue(
        message.endsWith(
            "config.yaml:1:1: the config is empty; it needs at least the keys"
                + " pipeline, input and output"),
        message);
  }

  @Test
  void everyProblemIsReportedInFileOrder() throws IOException {
    String message = error(MINIMAL + "stages:\n  read:\n    threads: -1\n    retries: x\n");
    List<String> lines = message.lines().toList();
    assertEquals(2, lines.size(), message);
    assertTrue(lines.get(0).contains(":6:14: stages.read.threads"), message);
    assertTrue(lines.get(1).contains(":7:14: stages.read.retries"), message);
  }

  @Test
  void overrideChangesAValue() throws Exception {
    ForklineConfig config = load(MINIMAL, "stages.read.threads=16", "stages.write.executor=inline");
    assertEquals(16, config.stage("read").threads());
    assertEquals(Executor.INLINE, config.stage("write").executor());
  }

  @Test
  void overridePathResolvesAgainstTheWorkingDirectory() throws Exception {
    Path other = Files.createDirectories(dir.resolve("a/b"));
    Path file = write(MINIMAL.replace("input: images", "input: ../../images"));
    ForklineConfig config = ConfigLoader.load(file, List.of("input=b"), dir.resolve("a"));
    assertEquals(List.of(other), config.inputs());
  }

  @Test
  void overrideWithAnUnknownKeyNamesTheFlag() throws IOException {
    String message = error(MINIMAL, "stages.read.treads=4");
    assertEquals(
        "--set stages.read.treads=4: unknown key 'treads' in stages.read; did you mean"
            + " 'threads'? Accepted keys: executor, threads, timeout, retries",
        message);
  }

  @Test
  void overrideWithABadValueNamesTheFlag() throws IOException {
    String message = error(MINIMAL, "stages.read.threads=many");
    assertEquals(
        "--set stages.read.threads=many: stages.read.threads: 'many' is not a whole"
            + " number from 1 to 4096",
        message);
  }

  @Test
  void overrideWithoutEqualsSignIsAnError() throws IOException {
    String message = error(MINIMAL, "stages.read.threads");
    assertTrue(message.startsWith("--set stages.read.threads: expected key=value"), message);
  }

  @Test
  void missingConfigFile() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(dir.resolve("nope.yaml"), List.of(), dir));
    assertTrue(e.getMessage().contains("nope.yaml: config file not found"), e.getMessage());
  }

  @Test
  void urlScrapeConfigReadsItsSection() throws Exception {
    Files.writeString(dir.resolve("urls.txt"), "http://127.0.0.1/\n");
    ForklineConfig config =
        load(
            "pipeline: url-scrape\ninput: urls.txt\noutput: out\nurl-scrape:\n  per-host: 2\n"
                + "  delay: 250ms\n  extract:\n    headline: {css: h1}\n");
    assertEquals(2, config.urlScrape().perHost());
    assertEquals(Duration.ofMillis(250), config.urlScrape().hostDelay());
    assertEquals("h1", config.urlScrape().extract().get("headline").css());
    assertEquals(List.of("fetch", "parse"), List.copyOf(config.stages().keySet()));
  }

  @Test
  void politenessKeyIsHostOrIp() throws Exception {
    Files.writeString(dir.resolve("urls.txt"), "http://127.0.0.1/\n");
    String head = "pipeline: url-scrape\ninput: urls.txt\noutput: out\nurl-scrape:\n";
    assertTrue(!load(head + "  per-host: 2\n").urlScrape().keyByAddress());
    assertTrue(load(head + "  politeness-key: ip\n").urlScrape().keyByAddress());
    String message = error(head + "  politeness-key: domain\n");
    assertTrue(message.contains(":5:19: url-scrape.politeness-key: "), message);
    assertTrue(message.contains("host, ip"), message);
  }

  @Test
  void aUserAgentWithALineBreakIsAnError() throws IOException {
    Files.writeString(dir.resolve("urls.txt"), "http://127.0.0.1/\n");
    String message =
        error(
            "pipeline: url-scrape\ninput: urls.txt\noutput: out\nurl-scrape:\n"
                + "  user-agent: \"bot\\r\\nX-Evil: 1\"\n");
    assertTrue(message.contains(":5:15: url-scrape.user-agent: must be printable ASCII"), message);
  }

  @Test
  void extractFieldWithoutCssIsAnError() throws IOException {
    Files.writeString(dir.resolve("urls.txt"), "http://127.0.0.1/\n");
    String message =
        error(
            "pipeline: url-scrape\ninput: urls.txt\noutput: out\nurl-scrape:\n  extract:\n"
                + "    headline: {attr: text}\n");
    assertTrue(
        message.contains("url-scrape.extract.headline: missing required key 'css'"), message);
  }

  @Test
  void anInvalidCssSelectorIsAnErrorAtItsLine() throws IOException {
    Files.writeString(dir.resolve("urls.txt"), "http://127.0.0.1/\n");
    String message =
        error(
            "pipeline: url-scrape\ninput: urls.txt\noutput: out\nurl-scrape:\n  extract:\n"
                + "    price:\n      css: \"div[\"\n");
    assertTrue(message.contains("config.yaml:7:12: url-scrape.extract.price.css"), message);
    assertTrue(message.contains("invalid CSS selector 'div['"), message);
  }

  @Test
  void anExtractFieldMayNotTakeABuiltInColumnsName() throws IOException {
    Files.writeString(dir.resolve("urls.txt"), "http://127.0.0.1/\n");
    String message =
        error(
            "pipeline: url-scrape\ninput: urls.txt\noutput: out\nurl-scrape:\n  extract:\n"
                + "    links_truncated: {css: h1}\n");
    assertTrue(message.contains("'links_truncated' is a built-in column"), message);
  }

  @Test
  void aCsvListWithoutAUrlColumnIsAnError() throws IOException {
    Files.writeString(dir.resolve("urls.csv"), "id,link\n1,http://127.0.0.1/\n");
    String message = error("pipeline: url-scrape\ninput: urls.csv\noutput: out\n");
    assertTrue(message.contains("has no 'url' column"), message);
  }

  @Test
  void filtersAreReadInOrderAndCheckedByName() throws Exception {
    ForklineConfig config =
        load(
            MINIMAL
                + "image-filter:\n  filters:\n    - resize: {width: 800}\n    - grayscale\n"
                + "    - convolve: {kernel: [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]}\n");
    List<String> filters = config.imageFilter().filters();
    assertEquals(3, filters.size());
    assertTrue(filters.get(0).startsWith("resize"), filters.toString());
    assertEquals("grayscale", filters.get(1));
    assertTrue(filters.get(2).startsWith("convolve"), filters.toString());
  }

  @Test
  void aMisspeltFilterParameterIsAnErrorWithTheAcceptedOnes() throws IOException {
    String message = error(MINIMAL + "image-filter:\n  filters:\n    - resize: {widht: 800}\n");
    assertTrue(message.contains("config.yaml:6:7: image-filter.filters: resize: unknown"), message);
    assertTrue(message.contains("accepted: width, height"), message);
  }

  @Test
  void anUnknownFilterNamesTheAcceptedFilters() throws IOException {
    String message = error(MINIMAL + "image-filter:\n  filters: [blurr]\n");
    assertTrue(message.contains("unknown filter 'blurr'"), message);
    assertTrue(message.contains("blur"), message);
  }

  @Test
  void metadataKeepNoGpsIsAccepted() throws Exception {
    assertEquals(MetadataPolicy.STRIP, load(MINIMAL).imageFilter().metadata());
    ForklineConfig config = load(MINIMAL + "image-filter:\n  metadata: keep-no-gps\n");
    assertEquals(MetadataPolicy.KEEP_NO_GPS, config.imageFilter().metadata());
  }

  @Test
  void aBadMetadataValueListsTheAcceptedOnes() throws IOException {
    String message = error(MINIMAL + "image-filter:\n  metadata: keep-gps\n");
    assertTrue(
        message.contains(
            ":5:13: image-filter.metadata: 'keep-gps' is not accepted; did you mean"
                + " 'keep-no-gps'? Accepted values: strip, keep, keep-no-gps"),
        message);
  }

  @Test
  void aNameTemplateCanBeSetOnTheCommandLine() throws Exception {
    ForklineConfig config = load(MINIMAL, "image-filter.name={dir}/{stem}-small.{ext}");
    assertEquals("{dir}/{stem}-small.{ext}", config.imageFilter().nameTemplate());
  }

  @Test
  void aNameTemplateWithAnUnknownPlaceholderIsAnError() throws IOException {
    String message = error(MINIMAL + "image-filter:\n  name: \"{dir}/{base}.{ext}\"\n");
    assertTrue(message.contains("unknown placeholder '{base}'"), message);
    assertTrue(message.contains("{stem}"), message);
  }

  @Test
  void emptyValueOfARequiredKeyPointsAtTheValue() throws IOException {
    String message = error("pipeline: image-filter\ninput: images\noutput:\n");
    assertTrue(
        message.contains(
            ":3:8: output: has no value; expected the folder results are" + " written to"),
        message);
  }

  @Test
  void emptyOverrideOfARequiredKeyNamesTheFlag() throws IOException {
    String message = error(MINIMAL, "output=");
    assertEquals(
        "--set output=: output: has no value; expected the folder results are written to", message);
  }

  @Test
  void overrideValuesNeedNoYamlQuoting() throws Exception {
    ForklineConfig config = load(MINIMAL, "image-filter.include=**.png", "output=%out #1");
    assertEquals(List.of("**.png"), config.imageFilter().include());
    assertEquals(dir.resolve("%out #1"), config.output());
  }

  @Test
  void overrideListIsYaml() throws Exception {
    ForklineConfig config = load(MINIMAL, "image-filter.include=[\"**.png\", '**.gif']");
    assertEquals(List.of("**.png", "**.gif"), config.imageFilter().include());
  }

  @Test
  void outputUnderAFileIsAnError() throws IOException {
    Files.writeString(dir.resolve("file.txt"), "x");
    String message = error(MINIMAL.replace("output: out", "output: file.txt/sub"));
    assertTrue(
        message.contains(
            "output: cannot create '"
                + dir.resolve("file.txt/sub")
                + "': '"
                + dir.resolve("file.txt")
                + "' is not a folder"),
        message);
  }

  @Test
  void maxFileSizeIsCappedAtWhatFitsInMemory() throws IOException {
    String message = error(MINIMAL + "image-filter:\n  max-file-size: 3g\n");
    assertTrue(
        message.contains(
            "image-filter.max-file-size: '3g' is out of range; expected from 1" + " to 2047m"),
        message);
  }

  @Test
  void badGlobIsOneLine() throws IOException {
    String message = error(MINIMAL + "image-filter:\n  include: ['[a-']\n");
    assertEquals(1, message.lines().count(), message);
    assertTrue(message.contains("'[a-' is not a valid glob pattern"), message);
  }

  @Test
  void configThatIsNotARegularFileIsRefused() throws Exception {
    Path fifo = dir.resolve("fifo.yaml");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertEquals(0, mkfifo.waitFor());
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(fifo, List.of(), dir));
    assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());
  }

  @Test
  void hugeConfigIsRefusedBeforeParsing() throws IOException {
    String message = error("# " + "x".repeat(2 << 20) + "\n" + MINIMAL);
    assertTrue(message.contains("a config is a small YAML file (at most 1m)"), message);
  }

  @Test
  void tabIsReportedWhereItIs() throws IOException {
    String message = error(MINIMAL + "stages:\n\tread: {}\n");
    assertTrue(
        message.endsWith(":5:1: YAML syntax error: a tab character; YAML indents with spaces only"),
        message);
  }

  @Test
  void unclosedQuoteIsSaidPlainly() throws IOException {
    String message = error("pipeline: \"image-filter\ninput: images\n");
    assertTrue(message.contains("a quoted string is never closed"), message);
  }

  @Test
  void listAsKeyIsSaidPlainly() throws IOException {
    String message = error(MINIMAL + "? [a, b]\n: 1\n");
    assertTrue(message.contains("a key must be a plain word, not a list or a mapping"), message);
    assertFalse(message.contains("snakeyaml"), message);
  }
}
