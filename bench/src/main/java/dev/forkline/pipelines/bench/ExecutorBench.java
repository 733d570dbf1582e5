package dev.forkline.pipelines.bench;

import dev.forkline.pipelines.bench.BenchReport.HostsRow;
import dev.forkline.pipelines.bench.BenchReport.Row;
import dev.forkline.pipelines.bench.ExecutorWorkloads.Inputs;
import dev.forkline.pipelines.bench.ExecutorWorkloads.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code forkline bench}: the same workloads on the inline, threads and processes executors, on
 * this machine, in this JVM (the pipelines run as {@code forkline run} runs them, minus the JVM
 * start). Workloads: the fetch stage alone against a local server with fixed latency (I/O-bound),
 * the image transform stage alone (CPU-bound), the whole image and scrape pipelines (mixed), and
 * the fetch stage, polite, against many hosts ({@link ManyHostsBench}).
 *
 * <p>The workloads are {@link ExecutorWorkloads}, measured by {@link ExecutorMeasurement} in {@link
 * TimedRun}s against a {@link BenchSite}; {@link BenchOutput} writes the results.
 */
public final class ExecutorBench {
  /**
   * Sizes and knobs.
   *
   * @param images 1920x1080 JPEGs for the measured image runs
   * @param inlineImages images for the inline cells (inline is slow; its rate is the same)
   * @param urls pages for the measured scrape runs
   * @param inlineUrls pages for the inline cells
   * @param cpuThreads threads and workers of the CPU stages (the cores)
   * @param ioThreads threads (and per-host limit) of the fetch stage
   * @param latency the server's delay per response
   */
  public record Options(
      Path out,
      int images,
      int inlineImages,
      int width,
      int height,
      int urls,
      int inlineUrls,
      int pageBytes,
      int cpuThreads,
      int ioThreads,
      Duration latency,
      String command) {

    public static Options full(Path out, String command) {
      int cores = Runtime.getRuntime().availableProcessors();
      return new Options(
          out, 200, 40, 1920, 1080, 2000, 100, 20_000, cores, 64, Duration.ofMillis(50), command);
    }

    public static Options quick(Path out, String command) {
      int cores = Runtime.getRuntime().availableProcessors();
      return new Options(
          out, 24, 8, 1920, 1080, 400, 40, 20_000, cores, 64, Duration.ofMillis(50), command);
    }
  }

  private final Options o;
  private final PrintWriter out;
  private final PrintWriter log;
  private final int cores = Runtime.getRuntime().availableProcessors();
  private final Path work;
  private final Path data;
  private final TimedRun runs;
  private boolean executors = true;
  private ManyHostsBench.Sizes manyHosts = ManyHostsBench.Sizes.quick();

  /** Prints the results to {@code out} and what it is doing (progress) to {@code log}. */
  public ExecutorBench(Options options, PrintWriter out, PrintWriter log) {
    this.o = options;
    this.out = out;
    this.log = log;
    this.work = options.out().resolve("work");
    this.data = options.out().resolve("data");
    this.runs = new TimedRun(work);
  }

  /**
   * The many-hosts workload's size: the quick default (20 hosts x 5 pages at 0.2 s, the slow host
   * at 1 s) with what is given (null: the default) replaced; {@code only} skips the executor rows.
   *
   * @throws IllegalArgumentException a size out of range, with what is accepted
   */
  public ExecutorBench manyHosts(
      boolean only, Integer hosts, Integer pages, Duration delay, Duration slowDelay) {
    this.executors = !only;
    this.manyHosts = ManyHostsBench.Sizes.quick().with(hosts, pages, delay, slowDelay);
    return this;
  }

  /** Makes the inputs only (for {@code bench/compare.sh}); returns the folder. */
  public static Path prepareImages(Path dir, int count, int width, int height) throws IOException {
    BenchData.images(dir, count, width, height);
    return dir;
  }

  /** Runs the chosen workloads, writes the report files and returns the executor rows. */
  public List<Row> run() throws Exception {
    Files.createDirectories(work);
    List<Row> rows = executors ? runExecutors() : List.of();
    List<HostsRow> hosts = List.of();
    if (manyHosts != null) {
      hosts = new ManyHostsBench(runs, manyHosts, work, data, o.pageBytes(), log).run();
    }
    new BenchOutput(o, out, log, cores).write(rows, hosts, manyHosts);
    return rows;
  }

  /** Makes the inputs, starts the site and measures each workload on each executor. */
  private List<Row> runExecutors() throws Exception {
    long t0 = System.nanoTime();
    log.printf(
        Locale.ROOT,
        "bench: making %d %dx%d JPEGs and %d pages of ~%d KB in %s%n",
        o.images(),
        o.width(),
        o.height(),
        o.urls(),
        o.pageBytes() / 1000,
        data);
    log.flush();
    Inputs images = images();
    Path site = data.resolve("site");
    List<String> pages = BenchData.site(site, o.urls(), o.pageBytes());
    log.printf(Locale.ROOT, "bench: inputs ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    log.flush();

    List<Row> rows = new ArrayList<>();
    Process server = BenchSite.start(site, o.latency(), List.of());
    try {
      String base = "http://127.0.0.1:" + BenchSite.awaitPort(server);
      Inputs urls = urlLists(base, pages);
      BenchSite.warm(base, pages, o.ioThreads());
      List<Workload> workloads = new ExecutorWorkloads(o, work).all(images, urls);
      ExecutorMeasurement measurement = new ExecutorMeasurement(o, runs, Set.of(server.pid()), log);
      for (Workload w : workloads) {
        rows.add(measurement.row(w));
      }
    } finally {
      BenchSite.stop(server);
    }
    return rows;
  }

  /** The JPEGs, and links to the first of them for the inline and 1-element runs. */
  private Inputs images() throws IOException {
    Path images = data.resolve("images");
    List<Path> files = BenchData.images(images, o.images(), o.width(), o.height());
    Path inline = subset(files, data.resolve("images-" + o.inlineImages()), o.inlineImages());
    Path one = subset(files, data.resolve("images-1"), 1);
    return new Inputs(images, inline, one);
  }

  /** The URL lists of the site's pages: all of them, the inline subset, the first. */
  private Inputs urlLists(String base, List<String> pages) throws IOException {
    Path urls = work.resolve("urls.txt");
    Path urlsInline = work.resolve("urls-" + o.inlineUrls() + ".txt");
    Path urlsOne = work.resolve("urls-1.txt");
    BenchData.urlList(urls, base, pages);
    BenchData.urlList(urlsInline, base, pages.subList(0, o.inlineUrls()));
    BenchData.urlList(urlsOne, base, pages.subList(0, 1));
    return new Inputs(urls, urlsInline, urlsOne);
  }

  private static Path subset(List<Path> files, Path dir, int n) throws IOException {
    Files.createDirectories(dir);
    for (int i = 0; i < n && i < files.size(); i++) {
      Path target = dir.resolve(files.get(i).getFileName());
      if (!Files.exists(target)) {
        try {
          Files.createLink(target, files.get(i));
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(files.get(i), target);
        }
      }
    }
    return dir;
  }
}
