package dev.forkline.pipelines.cli;

import dev.forkline.pipelines.bench.BenchData;
import dev.forkline.pipelines.bench.ExecutorBench;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code forkline bench [--quick] [--out DIR]}: inline vs threads vs processes, measured here. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the executors on this machine: an I/O-bound stage (HTTP fetch from a local server"
          + " with 50 ms latency), a CPU-bound stage (the image filter chain) and the whole image"
          + " and scrape pipelines, each inline, on threads and on worker processes.",
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
          "Only write N deterministic 1920x1080 JPEGs into DIR/data/images and exit (what"
              + " bench/compare.sh gives every tool).")
  Integer makeImages;

  @Option(
      names = "--make-site",
      paramLabel = "N",
      description =
          "Only write a site of N ~20 KB pages into DIR/data/site (DIR/data/site/p/00000.html ...)"
              + " and exit; with --make-images, both.")
  Integer makeSite;

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
        stdout.println(ExecutorBench.prepareImages(data.resolve("images"), makeImages, 1920, 1080));
      }
      if (makeSite != null) {
        BenchData.site(data.resolve("site"), makeSite, 20_000);
        stdout.println(data.resolve("site"));
      }
      stdout.flush();
      return ExitCodes.OK;
    }
    String command = "./forkline bench" + (quick ? " --quick" : "") + " --out " + out;
    ExecutorBench.Options options =
        quick
            ? ExecutorBench.Options.quick(out.toAbsolutePath(), command)
            : ExecutorBench.Options.full(out.toAbsolutePath(), command);
    new ExecutorBench(options, stdout, err).run(); // the table on stdout, progress on stderr
    err.flush();
    return ExitCodes.OK;
  }
}
