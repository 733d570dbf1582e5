package dev.forkline.pipelines.bench;

import dev.forkline.pipelines.bench.BenchReport.HostsRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code forkline bench}'s many-hosts workload (issue 19): the fetch stage alone, polite ({@code
 * per-host: 1}, a {@code delay}, robots.txt on), against the demo site served on 127.0.0.1 to
 * 127.0.0.N in its own JVM. The lists: N hosts x P pages host by host (grouped), the same shuffled,
 * F fast hosts alone, and the F fast hosts after one slow host whose robots.txt asks for a long
 * {@code Crawl-delay}. Each is measured against its politeness bound, (P - 1) x delay; the site's
 * access log tells when the fast hosts' and the slow host's last pages were answered.
 */
final class ManyHostsBench {

  /**
   * The workload's sizes.
   *
   * @param hosts hosts of the grouped and shuffled lists
   * @param pages pages per host
   * @param delay the delay between two requests to a host
   * @param fastHosts the fast hosts of the mix
   * @param slowPages the slow host's pages
   * @param slowDelay the slow host's robots.txt {@code Crawl-delay}
   * @param threads the fetch stage's threads
   */
  record Sizes(
      int hosts,
      int pages,
      Duration delay,
      int fastHosts,
      int slowPages,
      Duration slowDelay,
      int threads) {
    Sizes {
      if (hosts < 1 || fastHosts < 1 || Math.max(hosts, fastHosts) + 1 > 254) {
        throw new IllegalArgumentException(
            "hosts and fast hosts must be 1 to 253 (127.0.0.1 up; the slow host is the next"
                + " address), got "
                + hosts
                + " and "
                + fastHosts);
      }
      if (pages < 2 || slowPages < 2) {
        throw new IllegalArgumentException(
            "pages per host must be 2 or more (the bound is (pages - 1) x delay), got "
                + pages
                + " and "
                + slowPages);
      }
      if (delay.isNegative() || delay.isZero() || slowDelay.isNegative() || slowDelay.isZero()) {
        throw new IllegalArgumentException(
            "the delays must be more than 0, got " + delay + " and " + slowDelay);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be 1 or more, got " + threads);
      }
    }

    /** The default: small enough for a quick look. */
    static Sizes quick() {
      return new Sizes(20, 5, Duration.ofMillis(200), 20, 3, Duration.ofSeconds(1), 64);
    }

    Sizes with(Integer hosts, Integer pages, Duration delay, Duration slowDelay) {
      return new Sizes(
          hosts == null ? this.hosts : hosts,
          pages == null ? this.pages : pages,
          delay == null ? this.delay : delay,
          fastHosts,
          slowPages,
          slowDelay == null ? this.slowDelay : slowDelay,
          threads);
    }

    int slowHost() {
      return Math.max(hosts, fastHosts) + 1;
    }

    double bound() {
      return (pages - 1) * delay.toMillis() / 1000.0;
    }

    double slowBound() {
      return (slowPages - 1) * slowDelay.toMillis() / 1000.0;
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "%d hosts x %d pages, delay %s s, %d fetch threads; mix: %d fast hosts + 1 with"
              + " Crawl-delay %s s and %d pages",
          hosts,
          pages,
          seconds(delay),
          threads,
          fastHosts,
          seconds(slowDelay),
          slowPages);
    }
  }

  private final TimedRun runs;
  private final Sizes sizes;
  private final Path work;
  private final Path data;
  private final int pageBytes;
  private final PrintWriter log;

  ManyHostsBench(TimedRun runs, Sizes sizes, Path work, Path data, int pageBytes, PrintWriter log) {
    this.runs = runs;
    this.sizes = sizes;
    this.work = work.resolve("many-hosts");
    this.data = data;
    this.pageBytes = pageBytes;
    this.log = log;
  }

  /** Runs the five lists (1 URL, grouped, shuffled, fast alone, mix) and returns their rows. */
  List<HostsRow> run() throws Exception {
    Files.createDirectories(work);
    Path site = data.resolve("site-" + sizes.pages());
    List<String> pages = BenchData.site(site, sizes.pages(), pageBytes);
    Path accessLog = work.resolve("access.log");
    Files.deleteIfExists(accessLog);
    String slow = "127.0.0." + sizes.slowHost();
    Process server = startSite(site, slow, accessLog);
    try {
      HostLists lists = HostLists.of(BenchSite.awaitPort(server), sizes, pages);
      Path config = writeConfig();
      return cases(lists, new Cases(config, Set.of(server.pid()), accessLog, slow));
    } finally {
      BenchSite.stop(server);
    }
  }

  /** The site on 127.0.0.1 to the slow host, no latency, the slow host's Crawl-delay, a log. */
  private Process startSite(Path site, String slow, Path accessLog) throws IOException {
    return BenchSite.start(
        site,
        Duration.ZERO,
        List.of(
            "--hosts",
            Integer.toString(sizes.slowHost()),
            "--crawl-delay",
            slow + "=" + sizes.slowDelay().toMillis() + "ms",
            "--access-log",
            accessLog.toAbsolutePath().toString()));
  }

  /**
   * What the cases share: the config, the processes that are not the run's (the site), the site's
   * access log and the slow host.
   */
  private record Cases(Path config, Set<Long> exclude, Path accessLog, String slow) {}

  private List<HostsRow> cases(HostLists lists, Cases c) throws Exception {
    List<String> first = List.of(lists.grouped().get(0));
    // Untimed: loads and compiles the stage's classes, which would land in the first case
    measure(c, "warm-up", first, 0, Double.NaN);
    HostsRow one = measure(c, "1 URL (start-up)", first, 0, Double.NaN);
    double b = sizes.bound();
    double startup = one.wallSeconds();
    List<HostsRow> rows = new ArrayList<>();
    rows.add(one);
    rows.add(
        measure(
            c,
            "grouped: " + sizes.hosts() + " hosts x " + sizes.pages() + " pages, host by host",
            lists.grouped(),
            b,
            startup));
    rows.add(
        measure(
            c,
            "shuffled: the same " + lists.grouped().size() + " URLs",
            lists.shuffled(),
            b,
            startup));
    rows.add(
        measure(
            c,
            "fast alone: " + sizes.fastHosts() + " hosts x " + sizes.pages() + " pages",
            lists.fast(),
            b,
            startup));
    rows.add(
        measure(
            c,
            "mix: the fast hosts after "
                + c.slow()
                + " ("
                + sizes.slowPages()
                + " pages, Crawl-delay "
                + seconds(sizes.slowDelay())
                + " s)",
            lists.mix(),
            Math.max(b, sizes.slowBound()),
            startup));
    return rows;
  }

  /** One case; {@code startup}: the 1-URL run's wall time, NaN for that run itself. */
  private HostsRow measure(Cases c, String name, List<String> urls, double bound, double startup)
      throws Exception {
    String tag = "hosts-" + Integer.toHexString(name.hashCode());
    Path list = work.resolve(tag + ".txt");
    Files.writeString(list, String.join("\n", urls) + "\n", StandardCharsets.UTF_8);
    log.printf(Locale.ROOT, "bench: many hosts, %s (%d URLs)...%n", name, urls.size());
    log.flush();
    long offset = Files.exists(c.accessLog()) ? Files.size(c.accessLog()) : 0;
    TimedRun.Measured m =
        runs.once(
            c.config(), List.of("input=" + list.toAbsolutePath()), c.exclude(), true, "fetch", tag);
    // the run's start on the site's clock: once() loads the config and settles before timing
    double start = System.currentTimeMillis() / 1000.0 - m.wall();
    Thread.sleep(300); // the site's last log lines
    Served served = served(c.accessLog(), offset, start, c.slow());
    HostsRow row =
        new HostsRow(
            name,
            urls.size(),
            m.failed(),
            bound,
            Double.isNaN(startup) ? m.wall() : startup,
            m.wall(),
            served.fastDone,
            served.slowDone,
            served.minGap,
            m.usage().driverCpuSeconds() + m.usage().workerCpuSeconds(),
            m.usage().driverPeakRss());
    log.printf(
        Locale.ROOT,
        "bench:   %.2f s (bound %.2f s), fast hosts done at %.2f s, slow host at %.2f s%n",
        row.wallSeconds(),
        bound,
        served.fastDone,
        served.slowDone);
    log.flush();
    return row;
  }

  record Served(double fastDone, double slowDone, double minGap) {}

  /** From the site's log after {@code offset}: when the last pages were answered, the least gap. */
  static Served served(Path accessLog, long offset, double start, String slow) throws IOException {
    String text;
    try (InputStream in = Files.newInputStream(accessLog)) {
      in.skipNBytes(offset);
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    double fastDone = Double.NaN;
    double slowDone = Double.NaN;
    Map<String, List<Double>> arrivals = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] f = line.split(" ");
      if (f.length != 5 || !f[2].startsWith("/p/")) {
        continue;
      }
      double at = Double.parseDouble(f[0]);
      double done = at + Long.parseLong(f[4]) / 1000.0 - start;
      if (f[1].equals(slow)) {
        slowDone = Double.isNaN(slowDone) ? done : Math.max(slowDone, done);
      } else {
        fastDone = Double.isNaN(fastDone) ? done : Math.max(fastDone, done);
      }
      arrivals.computeIfAbsent(f[1], k -> new ArrayList<>()).add(at);
    }
    double minGap = Double.NaN;
    for (List<Double> times : arrivals.values()) {
      Collections.sort(times);
      for (int i = 1; i < times.size(); i++) {
        double gap = times.get(i) - times.get(i - 1);
        minGap = Double.isNaN(minGap) ? gap : Math.min(minGap, gap);
      }
    }
    return new Served(fastDone, slowDone, minGap);
  }

  private Path writeConfig() throws IOException {
    Path file = work.resolve("url-scrape.yaml");
    Files.writeString(
        file,
        "# forkline bench: polite on many hosts, as a new user would set it\n"
            + "pipeline: url-scrape\n"
            + "input: urls.txt\n"
            + "output: out\n"
            + "url-scrape:\n"
            + "  per-host: 1\n"
            + "  delay: "
            + sizes.delay().toMillis()
            + "ms\n"
            + "  robots: true\n"
            + "  max-crawl-delay: 30s\n"
            + "stages:\n"
            + "  fetch: {executor: threads, threads: "
            + sizes.threads()
            + ", timeout: 30s, retries: 1}\n");
    return file;
  }

  static String seconds(Duration d) {
    return java.math.BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
  }
}
