package dev.forkline.pipelines.cli;

import dev.forkline.pipelines.config.Units;
import dev.forkline.pipelines.scrape.DemoSite;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code forkline demo-site [FOLDER] [--port N] [--latency 50ms]}: serves a site on 127.0.0.1. */
@Command(
    name = "demo-site",
    mixinStandardHelpOptions = true,
    description = {
      "Serve a folder as a web site on 127.0.0.1 until Ctrl-C: the bundled demo site (data/site)"
          + " by default, for trying url-scrape without the internet.",
      "Besides the files it serves test paths: /_status/NNN, /_redirect/loop, /_slow,"
          + " /_retry-after, /_gzip-bomb, /_big."
    })
final class DemoSiteCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..1",
      paramLabel = "FOLDER",
      description = "The folder to serve (default: data/site next to the launcher).")
  Path folder;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "Port on 127.0.0.1 (default: 8088; 0 picks a free one).")
  int port = 8088;

  @Option(
      names = "--latency",
      paramLabel = "DURATION",
      description = "Delay every response by this much, e.g. 50ms (default: 0ms).")
  String latency = "0ms";

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path root = folder != null ? folder : defaultSite();
    if (!Files.isDirectory(root)) {
      throw new UsageException(
          "demo-site: '" + root + "' is not a folder; give the folder to serve (e.g. data/site)");
    }
    if (port < 0 || port > 65535) {
      throw new UsageException("--port " + port + ": accepted values are 0 to 65535");
    }
    Duration delay;
    try {
      delay = Units.parseDuration(latency);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--latency " + latency + ": " + e.getMessage());
    }
    DemoSite.Handle site;
    try {
      site = DemoSite.start(root, port, delay);
    } catch (IOException e) {
      throw new UsageException(
          "demo-site: cannot listen on 127.0.0.1:" + port + " (" + e.getMessage() + ")");
    }
    out.println("serving " + root + " on http://127.0.0.1:" + site.port() + "/ (Ctrl-C stops)");
    out.flush();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  site.close();
                  stop.countDown();
                }));
    stop.await();
    return ExitCodes.OK;
  }

  private static Path defaultSite() {
    String home = System.getProperty("forkline.home");
    Path base = home != null ? Path.of(home) : Path.of("");
    return base.resolve("data").resolve("site").toAbsolutePath().normalize();
  }
}
