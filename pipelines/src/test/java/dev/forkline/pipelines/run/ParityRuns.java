package dev.forkline.pipelines.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.TestFiles;
import dev.forkline.pipelines.config.ConfigLoader;
import dev.forkline.pipelines.config.ForklineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Runs a sample config on the Direct runner and on another, in folders under {@code dir}, and
 * checks that both give the same rows (timing columns aside) and the same summary counters.
 */
public final class ParityRuns {
  /** Columns that differ between any two runs: times, instants, worker pids. */
  private static final List<String> TIMING = List.of("processed_at", "fetched_at", "worker");

  /** What the other runner's run is wrapped in: a test's watch over its processes, say. */
  public interface Around {
    RunResult run(java.util.concurrent.Callable<RunResult> run) throws Exception;
  }

  private final Path dir;
  private final String runner;
  private final Around around;
  private final boolean stageCounters;
  private final List<String> otherSets;

  public ParityRuns(Path dir, String runner) {
    this(dir, runner, java.util.concurrent.Callable::call);
  }

  public ParityRuns(Path dir, String runner, Around around) {
    this(dir, runner, around, true, List.of());
  }

  private ParityRuns(
      Path dir, String runner, Around around, boolean stageCounters, List<String> otherSets) {
    this.dir = dir;
    this.runner = runner;
    this.around = around;
    this.stageCounters = stageCounters;
    this.otherSets = List.copyOf(otherSets);
  }

  /**
   * These runs with {@code sets} overridden in the other run only (its output in a folder of its
   * own): the Direct runner against itself with another setting, say.
   */
  public ParityRuns withOtherSets(String... sets) {
    return new ParityRuns(dir, runner, around, stageCounters, List.of(sets));
  }

  /**
   * These runs without the per-stage counters compared: they count attempts, and a runner that ran
   * a lost task again counts its elements twice. Rows and row counters are still compared.
   */
  public ParityRuns withoutStageCounters() {
    return new ParityRuns(dir, runner, around, false, otherSets);
  }

  /** The image sample on the runner at {@code master} (null: its default) vs Direct. */
  public void imageSample(String master) throws Exception {
    Path config = repo().resolve("configs/image-filter.yaml");
    assertSameRun(config, List.of(), "manifest.parquet", "input", master);
  }

  /** The scrape sample, its demo site on a free port, on the runner at {@code master} vs Direct. */
  public void scrapeSample(String master) throws Exception {
    String urls = Files.readString(repo().resolve("data/site-urls.txt"));
    scrape(port -> urls.replace("127.0.0.1:8088", "127.0.0.1:" + port), List.of(), master);
  }

  /** The image sample's config on the folder {@code input}, with {@code sets} more overrides. */
  public void imageFolder(Path input, List<String> sets, String master) throws Exception {
    List<String> all = new ArrayList<>(List.of("input=" + input));
    all.addAll(sets);
    assertSameRun(
        repo().resolve("configs/image-filter.yaml"), all, "manifest.parquet", "input", master);
  }

  /**
   * The scrape sample's config on URL lists (file name to what {@code lists} makes of the demo
   * site's port, a free one), with {@code sets} more overrides, on the runner at {@code master} vs
   * Direct.
   */
  public void scrapeLists(
      Map<String, java.util.function.IntFunction<String>> lists, List<String> sets, String master)
      throws Exception {
    int port = ClusterProcesses.freePort();
    List<String> files = new ArrayList<>();
    for (Map.Entry<String, java.util.function.IntFunction<String>> e : lists.entrySet()) {
      Path file = dir.resolve(e.getKey());
      Files.writeString(file, e.getValue().apply(port));
      files.add(file.toString());
    }
    List<String> all =
        new ArrayList<>(
            List.of(
                "input=[" + String.join(", ", files) + "]", "url-scrape.demo-site-port=" + port));
    all.addAll(sets);
    assertSameRun(repo().resolve("configs/url-scrape.yaml"), all, "pages.parquet", "url", master);
  }

  /**
   * The scrape sample's config on a list of URLs that {@code list} makes for the demo site's port
   * (a free one, so a demo site someone else runs on this machine cannot answer), with {@code sets}
   * more overrides, on the runner at {@code master} vs Direct.
   */
  public void scrape(java.util.function.IntFunction<String> list, List<String> sets, String master)
      throws Exception {
    int port = ClusterProcesses.freePort();
    Path file = dir.resolve("urls.txt");
    Files.writeString(file, list.apply(port));
    List<String> all =
        new ArrayList<>(List.of("input=" + file, "url-scrape.demo-site-port=" + port));
    all.addAll(sets);
    assertSameRun(repo().resolve("configs/url-scrape.yaml"), all, "pages.parquet", "url", master);
  }

  private void assertSameRun(
      Path config, List<String> sets, String table, String key, String master) throws Exception {
    RunResult direct = run(config, sets, "direct", RunOptions.quiet());
    List<String> theirs = new ArrayList<>(sets);
    theirs.addAll(otherSets);
    String folder = otherSets.isEmpty() ? runner : runner + "-other";
    RunResult other =
        around.run(
            () -> run(config, theirs, folder, RunOptions.quiet().withRunner(runner, master)));

    Map<String, Map<String, String>> expected = comparable(direct.table(), key, "direct");
    Map<String, Map<String, String>> actual = comparable(other.table(), key, folder);
    assertTrue(expected.size() > 10, "the sample has rows: " + expected.keySet());
    assertEquals(expected.keySet(), actual.keySet(), "the same inputs");
    for (String k : expected.keySet()) {
      assertEquals(expected.get(k), actual.get(k), "row " + k);
    }
    assertEquals(table, direct.table().getFileName().toString());

    MetricsSnapshot d = direct.metrics();
    MetricsSnapshot o = other.metrics();
    assertEquals(d.inputs(), o.inputs(), "inputs counter");
    assertEquals(d.rowsOk(), o.rowsOk(), "rows.ok counter");
    assertEquals(d.rowsFailedByKind(), o.rowsFailedByKind(), "rows.failed counters");
    for (var stage : direct.config().stages().values()) {
      if (!stageCounters) {
        break;
      }
      String name = stage.name();
      assertEquals(d.stageOk(name), o.stageOk(name), name + ".ok counter");
      assertEquals(d.stageFailed(name), o.stageFailed(name), name + ".failed counter");
    }
    assertEquals(expected.size(), o.rowsOk() + o.rowsFailed(), "one counted row per table row");
  }

  private RunResult run(Path config, List<String> sets, String folder, RunOptions options)
      throws Exception {
    List<String> all = new ArrayList<>(sets);
    all.add("output=" + dir.resolve(folder));
    ForklineConfig loaded = ConfigLoader.load(config, all, dir);
    return ForklineRunner.run(loaded, options);
  }

  /** Each row as column -> text, without timing columns; output paths relative to the output. */
  private Map<String, Map<String, String>> comparable(Path table, String key, String on) {
    String out = dir.resolve(on).toString();
    Map<String, Map<String, String>> rows = new TreeMap<>();
    for (GenericRecord row : TestFiles.rows(table)) {
      Map<String, String> values = new TreeMap<>();
      for (Schema.Field field : row.getSchema().getFields()) {
        String name = field.name();
        if (name.endsWith("_ms") || TIMING.contains(name)) {
          continue;
        }
        Object value = row.get(name);
        values.put(name, value == null ? null : value.toString().replace(out, "OUT"));
      }
      if ("timeout".equals(values.get("failure_kind"))) {
        // Which of two equal deadlines fires first (the fetch's own, the executor's) is a race
        // on any runner, and each words its message its own way: the kind is what must agree.
        values.put("failure_message", "(a timeout)");
      }
      Map<String, String> previous = rows.put(String.valueOf(row.get(key)), values);
      assertEquals(null, previous, "two rows for " + row.get(key));
    }
    return rows;
  }

  /** The repository root: the folder above the test's module with the sample configs. */
  public static Path repo() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("configs/image-filter.yaml"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException(
          "no configs/image-filter.yaml above " + Path.of("").toAbsolutePath());
    }
    return p;
  }
}
