package dev.forkline.pipelines.bench;

import dev.forkline.pipelines.bench.BenchReport.Cell;
import dev.forkline.pipelines.bench.BenchReport.Row;
import dev.forkline.pipelines.config.ConfigException;
import dev.forkline.pipelines.config.ConfigLoader;
import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.image.ImageStageBench;
import dev.forkline.pipelines.run.ForklineRunner;
import dev.forkline.pipelines.run.MetricsSnapshot;
import dev.forkline.pipelines.run.RunOptions;
import dev.forkline.pipelines.run.RunResult;
import dev.forkline.pipelines.scrape.FetchStageBench;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * {@code forkline bench}: the same workloads on the inline, threads and processes executors, on
 * this machine, in this JVM (the pipelines run as {@code forkline run} runs them, minus the JVM
 * start). Workloads: the fetch stage alone against a local server with fixed latency (I/O-bound),
 * the image transform stage alone (CPU-bound), the whole image and scrape pipelines (mixed), and
 * the fetch stage, polite, against many hosts ({@link ManyHostsBench}).
 */
public final class ExecutorBench {
  /** The image chain every tool is compared on. */
  static final String IMAGE_SECTION =
      "image-filter:\n"
          + "  include: [\"**.jpg\"]\n"
          + "  auto-orient: true\n"
          + "  filters:\n"
          + "    - resize: {width: 800, method: lanczos3}\n"
          + "    - sharpen: {sigma: 0.8, amount: 0.6}\n"
          + "  format: jpeg\n"
          + "  quality: 85\n"
          + "  metadata: strip\n";

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
  private boolean executors = true;
  private ManyHostsBench.Sizes manyHosts = ManyHostsBench.Sizes.quick();

  /** Prints the results to {@code out} and what it is doing (progress) to {@code log}. */
  public ExecutorBench(Options options, PrintWriter out, PrintWriter log) {
    this.o = options;
    this.out = out;
    this.log = log;
    this.work = options.out().resolve("work");
    this.data = options.out().resolve("data");
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
    List<BenchReport.HostsRow> hosts = List.of();
    if (manyHosts != null) {
      hosts = new ManyHostsBench(this, manyHosts, work, data, o.pageBytes(), log).run();
    }
    write(rows, hosts);
    return rows;
  }

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
    Path images = data.resolve("images");
    List<Path> files = BenchData.images(images, o.images(), o.width(), o.height());
    Path inlineImages = subset(files, data.resolve("images-" + o.inlineImages()), o.inlineImages());
    Path oneImage = subset(files, data.resolve("images-1"), 1);
    Path site = data.resolve("site");
    List<String> pages = BenchData.site(site, o.urls(), o.pageBytes());
    log.printf(Locale.ROOT, "bench: inputs ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    log.flush();

    List<Row> rows = new ArrayList<>();
    Process server = startSite(site, o.latency(), List.of());
    try {
      int port = awaitPort(server);
      String base = "http://127.0.0.1:" + port;
      Path urls = work.resolve("urls.txt");
      Path urlsInline = work.resolve("urls-" + o.inlineUrls() + ".txt");
      Path urlsOne = work.resolve("urls-1.txt");
      BenchData.urlList(urls, base, pages);
      BenchData.urlList(urlsInline, base, pages.subList(0, o.inlineUrls()));
      BenchData.urlList(urlsOne, base, pages.subList(0, 1));
      warmSite(base, pages);
      Path imageConfig = writeImageConfig();
      Path scrapeConfig = writeScrapeConfig();
      Set<Long> exclude = Set.of(server.pid());
      double bound = o.ioThreads() / (o.latency().toMillis() / 1000.0);

      rows.add(
          measure(
              "I/O: HTTP fetch (" + o.latency().toMillis() + " ms latency)",
              "io",
              bound,
              exclude,
              (exec, size) -> {
                List<String> sets = new ArrayList<>(scrapeInput(size, urls, urlsInline, urlsOne));
                sets.addAll(fetchExecutor(exec));
                return sets;
              },
              scrapeConfig,
              true,
              "fetch"));
      rows.add(
          measure(
              "CPU: image transform stage",
              "cpu",
              0,
              exclude,
              (exec, size) -> {
                List<String> sets =
                    new ArrayList<>(imageInput(size, images, inlineImages, oneImage));
                sets.addAll(cpuExecutor("transform", exec));
                return sets;
              },
              imageConfig,
              true,
              "transform"));
      rows.add(
          measure(
              "mixed: image pipeline (read, transform, write)",
              "mixed",
              0,
              exclude,
              (exec, size) -> {
                List<String> sets =
                    new ArrayList<>(imageInput(size, images, inlineImages, oneImage));
                sets.addAll(cpuExecutor("transform", exec));
                sets.addAll(ioExecutor("read", exec, 8));
                sets.addAll(ioExecutor("write", exec, 4));
                return sets;
              },
              imageConfig,
              false,
              null));
      rows.add(
          measure(
              "mixed: scrape pipeline (fetch, parse, table)",
              "mixed",
              bound,
              exclude,
              (exec, size) -> {
                List<String> sets = new ArrayList<>(scrapeInput(size, urls, urlsInline, urlsOne));
                sets.addAll(fetchExecutor(exec.equals("processes") ? "threads" : exec));
                sets.addAll(cpuExecutor("parse", exec));
                return sets;
              },
              scrapeConfig,
              false,
              null));
    } finally {
      server.destroy();
      if (!server.waitFor(5, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
    return rows;
  }

  /** Which input a run gets: the measured set, the inline subset, or one element. */
  enum Size {
    FULL,
    INLINE,
    ONE
  }

  interface Overrides {
    List<String> of(String executor, Size size);
  }

  private List<String> scrapeInput(Size size, Path all, Path inline, Path one) {
    Path p =
        switch (size) {
          case FULL -> all;
          case INLINE -> inline;
          case ONE -> one;
        };
    return List.of("input=" + p.toAbsolutePath());
  }

  private List<String> imageInput(Size size, Path all, Path inline, Path one) {
    Path p =
        switch (size) {
          case FULL -> all;
          case INLINE -> inline;
          case ONE -> one;
        };
    return List.of("input=" + p.toAbsolutePath());
  }

  private List<String> fetchExecutor(String exec) {
    return List.of("stages.fetch.executor=" + exec, "stages.fetch.threads=" + o.ioThreads());
  }

  private List<String> cpuExecutor(String stage, String exec) {
    return List.of(
        "stages." + stage + ".executor=" + exec,
        "stages." + stage + ".threads=" + o.cpuThreads(),
        "stages." + stage + ".workers=" + o.cpuThreads());
  }

  private List<String> ioExecutor(String stage, String exec, int threads) {
    String e = exec.equals("inline") ? "inline" : "threads";
    return List.of("stages." + stage + ".executor=" + e, "stages." + stage + ".threads=" + threads);
  }

  private Row measure(
      String workload,
      String kind,
      double bound,
      Set<Long> exclude,
      Overrides overrides,
      Path config,
      boolean stageOnly,
      String stage)
      throws Exception {
    List<Cell> cells = new ArrayList<>();
    // Untimed: the first run of a pipeline in this JVM loads and compiles its classes, which
    // otherwise lands in the first column's start-up.
    once(config, overrides.of("threads", Size.ONE), exclude, stageOnly, stage, "warm-up");
    for (String exec : BenchReport.EXECUTORS) {
      if (stageOnly && "fetch".equals(stage) && exec.equals("processes")) {
        cells.add(
            Cell.skipped(
                exec,
                "not offered: the fetch stage has no kernel; a worker JVM would only block on a"
                    + " socket, as a thread does, for the price of a JVM"));
        continue;
      }
      Size size = exec.equals("inline") ? Size.INLINE : Size.FULL;
      String setting =
          switch (exec) {
            case "inline" -> "1 at a time";
            case "threads" -> (kind.equals("io") ? o.ioThreads() : o.cpuThreads()) + " threads";
            default -> o.cpuThreads() + " workers";
          };
      if (workload.startsWith("mixed: scrape") && !exec.equals("inline")) {
        setting = "fetch " + o.ioThreads() + " threads, parse " + setting;
      }
      log.printf(Locale.ROOT, "bench: %s on %s (%s)...%n", workload, exec, setting);
      log.flush();
      Measured startup = once(config, overrides.of(exec, Size.ONE), exclude, stageOnly, stage, "1");
      Measured m = once(config, overrides.of(exec, size), exclude, stageOnly, stage, exec);
      String note =
          size == Size.INLINE
              ? "inline on a subset (" + m.elements + " elements): same rate, less waiting"
              : "";
      cells.add(
          new Cell(
              exec,
              setting,
              m.elements,
              m.failed,
              m.wall,
              startup.wall,
              m.usage.driverCpuSeconds() + m.usage.workerCpuSeconds(),
              m.usage.driverPeakRss(),
              m.usage.workersPeakRss(),
              m.usage.workerProcesses(),
              note));
      log.printf(
          Locale.ROOT,
          "bench:   %d elements in %.2f s: %s/s (start-up %.2f s)%n",
          m.elements,
          m.wall,
          BenchReport.rate(m.elements / m.wall),
          startup.wall);
      log.flush();
    }
    return new Row(workload, kind, bound, cells);
  }

  record Measured(long elements, long failed, double wall, ProcStats.Usage usage) {}

  Measured once(
      Path config,
      List<String> sets,
      Set<Long> exclude,
      boolean stageOnly,
      String stage,
      String tag)
      throws ConfigException, InterruptedException {
    List<String> all = new ArrayList<>(sets);
    all.add("output=" + work.resolve("out-" + config.getFileName() + "-" + tag).toAbsolutePath());
    ForklineConfig loaded = ConfigLoader.load(config, all, Path.of(""));
    System.gc();
    Thread.sleep(200);
    ProcStats.Sampler sampler = ProcStats.start(exclude, 50);
    long start = System.nanoTime();
    long ok;
    long failed;
    try {
      if (stageOnly) {
        DirectOptions direct = PipelineOptionsFactory.as(DirectOptions.class);
        direct.setRunner(DirectRunner.class);
        direct.setEnforceImmutability(false);
        direct.setEnforceEncodability(false);
        // One bundle in flight: as the pipelines do, keep the Direct runner's idle threads from
        // spinning its driver loop (PipelineDefinition.directParallelism).
        direct.setTargetParallelism(1);
        Pipeline pipeline = Pipeline.create(direct);
        if (stage.equals("fetch")) {
          FetchStageBench.expand(pipeline, loaded);
        } else {
          ImageStageBench.expand(pipeline, loaded);
        }
        PipelineResult result = pipeline.run();
        result.waitUntilFinish();
        MetricsSnapshot m = MetricsSnapshot.of(result, true);
        ok = m.stageOk(stage);
        failed = m.stageFailed(stage) + (m.inputs() - m.stageOk(stage) - m.stageFailed(stage));
      } else {
        RunResult r =
            ForklineRunner.run(
                loaded, new RunOptions("direct", false, false, null, false, Duration.ofSeconds(1)));
        ok = r.metrics().rowsOk();
        failed = r.metrics().rowsFailed();
      }
    } catch (RuntimeException e) {
      sampler.close();
      throw e;
    }
    double wall = (System.nanoTime() - start) / 1e9;
    // worker JVMs end just after the run: give the sampler a last look at them
    ProcStats.Usage usage = sampler.stop();
    awaitNoWorkers(exclude);
    return new Measured(ok + failed, failed, wall, usage);
  }

  private static void awaitNoWorkers(Set<Long> exclude) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline
        && ProcessHandle.current().children().anyMatch(p -> !exclude.contains(p.pid()))) {
      Thread.sleep(50);
    }
  }

  private Path writeImageConfig() throws IOException {
    Path file = work.resolve("image-filter.yaml");
    Files.writeString(
        file,
        "# forkline bench: the image chain compared with every tool\n"
            + "pipeline: image-filter\n"
            + "input: ../data/images\n"
            + "output: out-image\n"
            + IMAGE_SECTION
            + "stages:\n"
            + "  read: {executor: threads, threads: 8}\n"
            + "  transform: {executor: processes, workers: "
            + o.cpuThreads()
            + ", heap: 512m}\n"
            + "  write: {executor: threads, threads: 4}\n");
    return file;
  }

  private Path writeScrapeConfig() throws IOException {
    Path file = work.resolve("url-scrape.yaml");
    Files.writeString(
        file,
        "# forkline bench: the scrape compared with Python threads and Scrapy\n"
            + "pipeline: url-scrape\n"
            + "input: urls.txt\n"
            + "output: out-scrape\n"
            + "url-scrape:\n"
            + "  per-host: "
            + o.ioThreads()
            + "\n"
            + "  delay: 0s\n"
            + "  robots: false\n"
            + "  extract:\n"
            + "    heading: {css: h1, attr: text}\n"
            + "stages:\n"
            + "  fetch: {executor: threads, threads: "
            + o.ioThreads()
            + ", timeout: 30s, retries: 1}\n"
            + "  parse: {executor: processes, workers: "
            + o.cpuThreads()
            + ", heap: 256m}\n");
    return file;
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

  /**
   * Has the site's JVM compile its request path before the first row, as a real site is warm: each
   * of {@code ioThreads} threads of this JVM gets a share of the pages once, through the JDK's
   * {@code HttpURLConnection} (not forkline's fetcher, which stays as cold as each row's run leaves
   * it). About {@code pages / ioThreads} latencies: 1.6 s for 2,000 pages at 64 and 50 ms.
   */
  private void warmSite(String base, List<String> pages) throws IOException {
    int threads = o.ioThreads();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        done.add(
            pool.submit(
                () -> {
                  byte[] buf = new byte[8192];
                  for (int i = first; i < pages.size(); i += threads) {
                    java.net.HttpURLConnection c =
                        (java.net.HttpURLConnection)
                            java.net.URI.create(base + pages.get(i)).toURL().openConnection();
                    try (java.io.InputStream in = c.getInputStream()) {
                      while (in.read(buf) >= 0) {
                        // drain, so the connection is kept
                      }
                    }
                  }
                  return null;
                }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while warming the site", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("the demo site did not answer its warm-up: " + e.getCause(), e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The demo site in its own JVM, so its CPU and memory are not the driver's. */
  Process startSite(Path site, Duration latency, List<String> more) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            java,
            "-Xlog:disable",
            "-Xlog:all=error:stderr",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.forkline.pipelines.cli.ForklineCli",
            "demo-site",
            site.toAbsolutePath().toString(),
            "--port",
            "0",
            "--latency",
            latency.toMillis() + "ms"));
    cmd.addAll(more);
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  static int awaitPort(Process server) throws IOException {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line = reader.readLine();
    Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/").matcher(line == null ? "" : line);
    if (!m.find()) {
      throw new IOException("the demo site did not start: " + line);
    }
    Thread drain =
        new Thread(
            () -> {
              try {
                while (reader.readLine() != null) {
                  // discard
                }
              } catch (IOException e) {
                // ended
              }
            },
            "bench-site-out");
    drain.setDaemon(true);
    drain.start();
    return Integer.parseInt(m.group(1));
  }

  /** The machine, for the report's heading. */
  String machine() {
    long mem = -1;
    try {
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      mem = os.getTotalMemorySize();
    } catch (ClassCastException e) {
      // not HotSpot
    }
    return String.format(
        Locale.ROOT,
        "%d cores, %s memory, %s %s, %s",
        cores,
        mem < 0 ? "?" : String.format(Locale.ROOT, "%.0f GiB", mem / 1073741824.0),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        loadAverage());
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return "load average " + f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException | RuntimeException e) {
      return "load average ?";
    }
  }

  private void write(List<Row> rows, List<BenchReport.HostsRow> hosts) throws IOException {
    String date = ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"));
    String machine = machine();
    out.println("forkline bench, " + date + ", " + machine);
    out.println("command: " + o.command());
    StringBuilder md = new StringBuilder();
    md.append("# forkline bench\n\n")
        .append("Measured ")
        .append(date)
        .append(" on ")
        .append(machine)
        .append(".\n\n")
        .append("Command: `")
        .append(o.command())
        .append("`\n\n");
    if (!rows.isEmpty()) {
      out.println();
      out.print(BenchReport.text(BenchReport.summary(rows)));
      out.println();
      out.print(BenchReport.text(BenchReport.details(rows, cores)));
      out.println();
      out.print(findings(rows));
      md.append(BenchReport.markdown(BenchReport.summary(rows)))
          .append('\n')
          .append(BenchReport.markdown(BenchReport.details(rows, cores)))
          .append('\n')
          .append(findings(rows).replace("\n  ", "\n"))
          .append("\n![chart](bench.svg)\n");
      Files.writeString(o.out().resolve("bench.csv"), BenchReport.csv(rows, cores));
      Files.writeString(
          o.out().resolve("bench.svg"),
          BenchReport.svg(rows, "forkline bench, " + date + " (" + cores + " cores)"));
    }
    if (!hosts.isEmpty()) {
      String about =
          "Many hosts, polite (per-host 1, robots.txt on): "
              + manyHosts.describe()
              + ". The fetch stage alone, in this JVM; the bound is (pages - 1) x delay of the"
              + " list's slowest host, the target 1.2 x bound + the 1-URL run's time, x bound ="
              + " (wall - start-up) / bound; fast / slow done: when the site answered the last"
              + " page of the other hosts / the slow host; min gap: the least time between two"
              + " page requests to one host.\n";
      out.println();
      out.print(about);
      out.print(BenchReport.text(BenchReport.hosts(hosts)));
      out.print(BenchReport.hostsFindings(hosts));
      md.append("\n## Many hosts\n\n")
          .append(about)
          .append('\n')
          .append(BenchReport.markdown(BenchReport.hosts(hosts)))
          .append('\n')
          .append(BenchReport.hostsFindings(hosts));
    }
    out.flush();
    Files.writeString(o.out().resolve("bench.md"), md.toString());
    log.println(
        "bench: wrote bench.md (and bench.csv, bench.svg for the executor rows) in "
            + o.out().toAbsolutePath());
    log.flush();
  }

  /** What the numbers say, in words, from the numbers. */
  String findings(List<Row> rows) {
    StringBuilder s = new StringBuilder();
    s.append("What was measured:\n");
    s.append(
        String.format(
            Locale.ROOT,
            "- Each cell is one run in this JVM after a 1-element run of the same workload (the"
                + " start-up column: Beam graph, Direct runner, thread pools, worker JVMs; the"
                + " JVM's own start is not in it). Elements/s = elements / wall time; steady/s ="
                + " (elements - 1) / (wall - start-up), the rate once running. CPU util ="
                + " CPU time of the driver and its worker JVMs / wall / %d cores. Peak memory ="
                + " VmHWM of the driver (reset before each run) and of each worker JVM, summed.%n",
            cores));
    s.append(
        String.format(
            Locale.ROOT,
            "- I/O rows fetch ~%d KB pages from a local server (its own JVM) that waits %d ms"
                + " before each answer, %d requests in flight, one host; Little's law bounds them"
                + " at %d / %.3f s = %s pages/s.%n",
            o.pageBytes() / 1000,
            o.latency().toMillis(),
            o.ioThreads(),
            o.ioThreads(),
            o.latency().toMillis() / 1000.0,
            BenchReport.rate(o.ioThreads() / (o.latency().toMillis() / 1000.0))));
    s.append(
        String.format(
            Locale.ROOT,
            "- CPU rows: %d JPEGs of %dx%d, auto-orient, resize to 800 px wide (lanczos3),"
                + " sharpen (sigma 0.8, amount 0.6), JPEG q85.%n",
            o.images(),
            o.width(),
            o.height()));
    s.append("\nWhat it says:\n");
    for (Row row : rows) {
      s.append("- ").append(row.workload()).append(": ").append(row.verdict()).append(".\n");
    }
    s.append(
        "- Unlike CPython, Java threads are not serialised by a global interpreter lock: a CPU"
            + " stage on N threads already uses N cores, so processes buy no speed by themselves"
            + " (compare the threads and processes cells of the CPU rows). What"
            + " the process pool costs: a JVM per worker (start-up, and its own heap: see the"
            + " workers' peak memory) and copying each element to and from the worker. What it"
            + " buys: isolation (a decoder crash, a runaway allocation or an infinite loop kills"
            + " one worker, which is replaced, never the run), hard timeouts (a hung call is"
            + " ended by killing its worker; a thread cannot be stopped) and memory caps (-Xmx"
            + " per worker: an image bomb fails one element as out-of-memory).\n");
    s.append(
        "- For I/O, threads are the answer in Java as in Python: the waiting is parallel,"
            + " the CPU per request is small.\n");
    return s.toString();
  }
}
