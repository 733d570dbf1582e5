package dev.forkline.pipelines.cli;

import dev.forkline.pipelines.UsageException;
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

/**
 * {@code forkline demo-site [FOLDER] [--port N] [--latency 50ms] [--hosts N] [--crawl-delay
 * HOST=DURATION]... [--access-log FILE]}: serves a site on 127.0.0.1 (or on 127.0.0.1 to
 * 127.0.0.N).
 */
@Command(
    name = "demo-site",
    mixinStandardHelpOptions = true,
    description = {
      "Serve a folder as a web site on 127.0.0.1 until Ctrl-C: the bundled demo site (data/site)"
          + " by default, for trying url-scrape without the internet.",
      "Besides the files it serves test paths: /_status/NNN, /_redirect/loop, /_slow,"
          + " /_retry-after, /_gzip-bomb, /_big.",
      "With --hosts N the same site is served on 127.0.0.1 to 127.0.0.N (one port), N sites to"
          + " a crawler: for politeness benchmarks (bench/many-hosts.sh)."
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

  @Option(
      names = "--hosts",
      paramLabel = "N",
      description =
          "Serve on 127.0.0.1 to 127.0.0.N, all on the same port (default: 1; at most 254).")
  int hosts = 1;

  @Option(
      names = "--crawl-delay",
      paramLabel = "HOST=DURATION",
      description =
          "On HOST (one of the served addresses, e.g. 127.0.0.21), serve a robots.txt with"
              + " 'Crawl-delay' of DURATION (e.g. 5s) instead of the folder's; repeatable.")
  java.util.List<String> crawlDelays = new java.util.ArrayList<>();

  @Option(
      names = "--access-log",
      paramLabel = "FILE",
      description =
          "Append a line per request to FILE: arrival (epoch seconds), host, path, status,"
              + " milliseconds to answer.")
  Path accessLog;

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
    if (hosts < 1 || hosts > DemoSite.Options.MAX_HOSTS) {
      throw new UsageException(
          "--hosts "
              + hosts
              + ": accepted values are 1 to "
              + DemoSite.Options.MAX_HOSTS
              + " (127.0.0.1 to 127.0.0."
              + DemoSite.Options.MAX_HOSTS
              + ")");
    }
    DemoSite.Options options =
        DemoSite.Options.of(root)
            .withPort(port)
            .withLatency(delay)
            .withHosts(hosts)
            .withAccessLog(accessLog);
    for (String spec : crawlDelays) {
      options = withCrawlDelay(options, spec, hosts);
    }
    DemoSite.Handle site;
    try {
      site = DemoSite.start(options);
    } catch (IOException e) {
      throw new UsageException("demo-site: " + e.getMessage());
    }
    String last = hosts == 1 ? "" : " to http://127.0.0." + hosts + ":" + site.port() + "/";
    out.println(
        "serving " + root + " on http://127.0.0.1:" + site.port() + "/" + last + " (Ctrl-C stops)");
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

  /** {@code HOST=DURATION}, HOST one of the served addresses. */
  private static DemoSite.Options withCrawlDelay(DemoSite.Options options, String spec, int hosts)
      throws UsageException {
    int eq = spec.indexOf('=');
    if (eq < 0) {
      throw new UsageException(
          "--crawl-delay " + spec + ": expected HOST=DURATION, e.g. --crawl-delay 127.0.0.21=5s");
    }
    String host = spec.substring(0, eq);
    Duration d;
    try {
      d = Units.parseDuration(spec.substring(eq + 1));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--crawl-delay " + spec + ": " + e.getMessage());
    }
    try {
      if (DemoSite.Options.hostNumber(host) > hosts) {
        throw new UsageException(
            "--crawl-delay "
                + spec
                + ": "
                + host
                + " is not served; --hosts "
                + hosts
                + " serves 127.0.0.1 to 127.0.0."
                + hosts);
      }
      return options.withCrawlDelay(host, d);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--crawl-delay " + spec + ": " + e.getMessage());
    }
  }

  private static Path defaultSite() {
    String home = System.getProperty("forkline.home");
    Path base = home != null ? Path.of(home) : Path.of("");
    return base.resolve("data").resolve("site").toAbsolutePath().normalize();
  }
}
