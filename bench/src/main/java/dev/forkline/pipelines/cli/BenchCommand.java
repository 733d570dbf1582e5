package dev.forkline.pipelines.cli;

import dev.forkline.pipelines.UsageException;
import dev.forkline.pipelines.bench.BenchData;
import dev.forkline.pipelines.bench.ExecutorBench;
import dev.forkline.pipelines.config.Units;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code forkline bench [--quick] [--out DIR] [--only many-hosts] [--hosts N] [--pages N] [--delay
 * D] [--slow-delay D]}: inline vs threads vs processes, and politeness on many hosts, measured
 * here.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the executors on this machine: an I/O-bound stage (HTTP fetch from a local server"
          + " with 50 ms latency), a CPU-bound stage (the image filter chain) and the whole image"
          + " and scrape pipelines, each inline, on threads and on worker processes; then the"
          + " fetch stage, polite, against many loopback hosts (many-hosts), against its"
          + " politeness bound.",
      "Prints the table and writes bench.md, bench.csv and bench.svg into the output folder"
          + " (the inputs are generated there once and reused)."
    })
final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--quick",
      description =
          "Small sizes (24 images, 400 pages; about a minute) instead of 200 images and 2,000"
              + " pages.")
  boolean quick;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: out/bench).")
  Path out = Path.of("out", "bench");

  @Option(
      names = "--make-images",
      paramLabel = "N",
      description =
          "Only write N deterministic 1920x1080 JPEGs (or --image-size) into DIR/data/images"
              + " and exit (what bench/compare.sh gives every tool).")
  Integer makeImages;

  @Option(
      names = "--image-size",
      paramLabel = "WxH",
      description =
          "With --make-images: the images' size (default: 1920x1080; camera-size: 4000x2880).")
  String imageSize;

  @Option(
      names = "--make-site",
      paramLabel = "N",
      description =
          "Only write a site of N ~20 KB pages into DIR/data/site (DIR/data/site/p/00000.html ...)"
              + " and exit; with --make-images, both.")
  Integer makeSite;

  @Option(
      names = "--only",
      paramLabel = "WORKLOAD",
      description = "Run only this workload: many-hosts (politeness on many loopback hosts).")
  String only;

  @Option(
      names = "--hosts",
      paramLabel = "N",
      description = "many-hosts: hosts, 127.0.0.1 to 127.0.0.N (default: 20; issue 19: 100).")
  Integer hosts;

  @Option(
      names = "--pages",
      paramLabel = "N",
      description = "many-hosts: pages per host (default: 5; issue 19: 20).")
  Integer pages;

  @Option(
      names = "--delay",
      paramLabel = "DURATION",
      description =
          "many-hosts: delay between two requests to a host (default: 200ms; issue 19: 0.5s).")
  String delay;

  @Option(
      names = "--slow-delay",
      paramLabel = "DURATION",
      description =
          "many-hosts: the slow host's robots.txt Crawl-delay (default: 1s; issue 19: 5s).")
  String slowDelay;

  /** {@code WxH}, each side 16 to 16384; null for 1920x1080. */
  static int[] imageSize(String value) throws UsageException {
    if (value == null) {
      return new int[] {1920, 1080};
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("([0-9]{1,5})x([0-9]{1,5})").matcher(value.trim());
    if (m.matches()) {
      int w = Integer.parseInt(m.group(1));
      int h = Integer.parseInt(m.group(2));
      if (w >= 16 && h >= 16 && w <= 16384 && h <= 16384) {
        return new int[] {w, h};
      }
    }
    throw new UsageException(
        "--image-size " + value + ": give WIDTHxHEIGHT, each from 16 to 16384, e.g. 4000x2880");
  }

  private static Duration duration(String option, String value) throws UsageException {
    if (value == null) {
      return null;
    }
    try {
      return Units.parseDuration(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + " " + value + ": " + e.getMessage());
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    if (makeImages != null || makeSite != null) {
      if ((makeImages != null && makeImages < 1) || (makeSite != null && makeSite < 1)) {
        throw new UsageException("--make-images and --make-site take 1 or more");
      }
      Path data = out.resolve("data");
      if (makeImages != null) {
        int[] size = imageSize(imageSize);
        stdout.println(
            ExecutorBench.prepareImages(data.resolve("images"), makeImages, size[0], size[1]));
      }
      if (makeSite != null) {
        BenchData.site(data.resolve("site"), makeSite, 20_000);
        stdout.println(data.resolve("site"));
      }
      stdout.flush();
      return ExitCodes.OK;
    }
    if (imageSize != null) {
      throw new UsageException("--image-size goes with --make-images");
    }
    if (only != null && !only.equals("many-hosts")) {
      throw new UsageException(
          "--only " + only + ": the workload that can run alone is many-hosts");
    }
    Duration d = duration("--delay", delay);
    Duration slow = duration("--slow-delay", slowDelay);
    StringBuilder command = new StringBuilder("./forkline bench");
    command.append(quick ? " --quick" : "");
    command.append(only != null ? " --only " + only : "");
    command.append(hosts != null ? " --hosts " + hosts : "");
    command.append(pages != null ? " --pages " + pages : "");
    command.append(delay != null ? " --delay " + delay : "");
    command.append(slowDelay != null ? " --slow-delay " + slowDelay : "");
    command.append(" --out ").append(out);
    ExecutorBench.Options options =
        quick
            ? ExecutorBench.Options.quick(out.toAbsolutePath(), command.toString())
            : ExecutorBench.Options.full(out.toAbsolutePath(), command.toString());
    ExecutorBench bench = new ExecutorBench(options, stdout, err);
    try {
      bench.manyHosts(only != null, hosts, pages, d, slow);
    } catch (IllegalArgumentException e) {
      throw new UsageException("bench: " + e.getMessage());
    }
    bench.run(); // the table on stdout, progress on stderr
    err.flush();
    return ExitCodes.OK;
  }
}
