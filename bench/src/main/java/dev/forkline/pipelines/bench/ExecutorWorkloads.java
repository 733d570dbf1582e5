package dev.forkline.pipelines.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The executor rows' workloads: the fetch stage alone (I/O), the image transform stage alone (CPU),
 * the image and scrape pipelines (mixed); their configs, and the settings each run of them gets.
 */
final class ExecutorWorkloads {
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

  /** Which input a run gets: the measured set, the inline subset, or one element. */
  enum Size {
    FULL,
    INLINE,
    ONE
  }

  /** The {@code --set} settings of a run on an executor with an input size. */
  interface Overrides {
    List<String> of(String executor, Size size);
  }

  /** One input at each {@link Size}: a folder of images or a URL list. */
  record Inputs(Path full, Path inline, Path one) {
    List<String> of(Size size) {
      Path p =
          switch (size) {
            case FULL -> full;
            case INLINE -> inline;
            case ONE -> one;
          };
      return List.of("input=" + p.toAbsolutePath());
    }
  }

  /**
   * A workload, a row of the report.
   *
   * @param kind io, cpu or mixed
   * @param bound the best elements/s possible where known, else 0
   * @param stageOnly whether only {@code stage} runs, not the whole pipeline
   */
  record Workload(
      String name,
      String kind,
      double bound,
      Path config,
      boolean stageOnly,
      String stage,
      Overrides overrides) {}

  private final ExecutorBench.Options o;
  private final Path work;

  /** The configs are written in {@code work}. */
  ExecutorWorkloads(ExecutorBench.Options options, Path work) {
    this.o = options;
    this.work = work;
  }

  /** Writes the configs and returns the workloads in the report's order. */
  List<Workload> all(Inputs images, Inputs urls) throws IOException {
    Path imageConfig = writeImageConfig();
    Path scrapeConfig = writeScrapeConfig();
    double bound = o.ioThreads() / (o.latency().toMillis() / 1000.0);
    return List.of(
        new Workload(
            "I/O: HTTP fetch (" + o.latency().toMillis() + " ms latency)",
            "io",
            bound,
            scrapeConfig,
            true,
            "fetch",
            (exec, size) -> join(urls.of(size), fetchExecutor(exec))),
        new Workload(
            "CPU: image transform stage",
            "cpu",
            0,
            imageConfig,
            true,
            "transform",
            (exec, size) -> join(images.of(size), cpuExecutor("transform", exec))),
        new Workload(
            "mixed: image pipeline (read, transform, write)",
            "mixed",
            0,
            imageConfig,
            false,
            null,
            (exec, size) ->
                join(
                    images.of(size),
                    cpuExecutor("transform", exec),
                    ioExecutor("read", exec, 8),
                    ioExecutor("write", exec, 4))),
        new Workload(
            "mixed: scrape pipeline (fetch, parse, table)",
            "mixed",
            bound,
            scrapeConfig,
            false,
            null,
            // fetch is not offered on processes: that column has parse on processes, fetch on
            // threads
            (exec, size) ->
                join(
                    urls.of(size),
                    fetchExecutor(exec.equals("processes") ? "threads" : exec),
                    cpuExecutor("parse", exec))));
  }

  @SafeVarargs
  private static List<String> join(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> part : parts) {
      all.addAll(part);
    }
    return all;
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

  /** An I/O stage beside the measured one: inline with inline, else on threads. */
  private List<String> ioExecutor(String stage, String exec, int threads) {
    String e = exec.equals("inline") ? "inline" : "threads";
    return List.of("stages." + stage + ".executor=" + e, "stages." + stage + ".threads=" + threads);
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
}
