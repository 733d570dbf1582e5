package dev.forkline.pipelines.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code url-scrape:} section: how to fetch politely and what to extract from each page.
 *
 * @param userAgent the User-Agent header, also the name matched in robots.txt
 * @param perHost how many requests to one host may be in flight at once
 * @param hostDelay the least time between two requests to the same host
 * @param maxBodyBytes the largest body read (after decompression)
 * @param maxRedirects how many redirects are followed
 * @param extract user fields: name to CSS selector, attribute and whether to take all matches
 * @param truncateBody over {@code maxBodyBytes}: keep the first bytes (true) or fail as too-large
 * @param connectTimeout how long a connect may take
 * @param respectRobots obey robots.txt
 * @param maxCrawlDelay the longest robots.txt {@code Crawl-delay} honoured
 * @param hostFailureLimit consecutive failures after which a host's other URLs fail fast; 0 never
 * @param demoSite a folder served on 127.0.0.1 during the run (the bundled demo site), or null
 * @param demoSitePort the demo site's port
 * @param demoSiteLatency a fixed delay of every demo-site response
 * @param allowPrivateAddresses let fetches from public hosts reach loopback, private and link-local
 *     addresses (redirects, DNS answers)
 * @param keyByAddress count {@code per-host} and {@code delay} per IP address (a host's first
 *     address), not per host and port: hosts on one server share one queue
 * @param warc write every HTTP exchange of the fetches into WARC files in the output's {@code
 *     warc/}
 * @param warcMaxBytes the size at which a WARC file is closed and the next one started
 * @param listRangeBytes the size of the ranges a split listing reads a URL list in
 * @param sitemaps the sitemaps URLs are taken from besides the lists
 */
public record UrlScrapeSettings(
    String userAgent,
    int perHost,
    Duration hostDelay,
    long maxBodyBytes,
    int maxRedirects,
    Map<String, Extract> extract,
    boolean truncateBody,
    Duration connectTimeout,
    boolean respectRobots,
    Duration maxCrawlDelay,
    int hostFailureLimit,
    java.nio.file.Path demoSite,
    int demoSitePort,
    Duration demoSiteLatency,
    boolean allowPrivateAddresses,
    boolean keyByAddress,
    boolean warc,
    long warcMaxBytes,
    long listRangeBytes,
    SitemapSettings sitemaps)
    implements Serializable {

  /** One user field: a CSS selector, what to take from the match, and whether to take all. */
  public record Extract(String css, String attr, boolean all) implements Serializable {}

  public static final String DEFAULT_USER_AGENT = "forkline/0.1 (batch scraper)";

  /** What a split listing reads a URL list in: ranges of about this many bytes. */
  public static final long DEFAULT_LIST_RANGE = 16L << 20;

  /** A body is held as one byte array (under 2 GiB); past 1 GiB a few in flight fill a heap. */
  public static final long MAX_BODY_BYTES = 1L << 30;

  /** The default size at which a WARC file is closed: the usual size of crawlers' WARC files. */
  public static final long WARC_MAX_BYTES = 1L << 30;

  /** The smallest {@code warc-max-size}: below it, a file would hold only a page or two. */
  public static final long MIN_WARC_BYTES = 64L << 10;

  public UrlScrapeSettings {
    extract = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extract));
  }

  /** The defaults, for tests and tools. */
  public static UrlScrapeSettings defaults() {
    return new UrlScrapeSettings(
        DEFAULT_USER_AGENT,
        4,
        Duration.ZERO,
        5L << 20,
        5,
        Map.of(),
        true,
        Duration.ofSeconds(10),
        true,
        Duration.ofSeconds(30),
        10,
        null,
        8088,
        Duration.ZERO,
        false,
        false,
        false,
        WARC_MAX_BYTES,
        DEFAULT_LIST_RANGE,
        SitemapSettings.none());
  }

  static UrlScrapeSettings read(Section s) {
    String userAgent = userAgent(s);
    int perHost = s.integer("per-host", 4, 1, 1024);
    Duration delay = s.duration("delay", Duration.ZERO, Duration.ZERO);
    long maxBody = s.size("max-body", 5L << 20, 1024, MAX_BODY_BYTES);
    int maxRedirects = s.integer("max-redirects", 5, 0, 50);
    String onLarge = s.choice("on-large", "truncate", List.of("truncate", "fail"));
    Duration connectTimeout =
        s.duration("connect-timeout", Duration.ofSeconds(10), Duration.ofMillis(10));
    boolean robots = s.bool("robots", true);
    Duration maxCrawlDelay = s.duration("max-crawl-delay", Duration.ofSeconds(30), Duration.ZERO);
    int hostFailures = s.integer("host-error-budget", 10, 0, 1_000_000);
    java.nio.file.Path demoSite = demoSite(s);
    int demoPort = s.integer("demo-site-port", 8088, 1, 65535);
    Duration demoLatency = s.duration("demo-site-latency", Duration.ZERO, Duration.ZERO);
    boolean allowPrivate = s.bool("allow-private-addresses", false);
    String politenessKey = s.choice("politeness-key", "host", List.of("host", "ip"));
    boolean warc = s.bool("warc", false);
    long warcMax = s.size("warc-max-size", WARC_MAX_BYTES, MIN_WARC_BYTES, 1L << 40);
    long listRange = s.size("list-range", DEFAULT_LIST_RANGE, 1024, 1L << 40);
    SitemapSettings sitemaps = SitemapSettings.read(s);
    Map<String, Extract> extract = extract(s.section("extract"));
    s.finish();
    return new UrlScrapeSettings(
        userAgent,
        perHost,
        delay,
        maxBody,
        maxRedirects,
        extract,
        !"fail".equals(onLarge),
        connectTimeout,
        robots,
        maxCrawlDelay,
        hostFailures,
        demoSite,
        demoPort,
        demoLatency,
        allowPrivate,
        "ip".equals(politenessKey),
        warc,
        warcMax,
        listRange,
        sitemaps);
  }

  private static String userAgent(Section s) {
    String userAgent = s.string("user-agent", DEFAULT_USER_AGENT);
    if (userAgent != null && userAgent.isBlank()) {
      s.problem("user-agent", "cannot be blank; sites and robots.txt rules match on it");
    } else if (userAgent != null && !userAgent.chars().allMatch(c -> c >= ' ' && c < 127)) {
      s.problem(
          "user-agent",
          "must be printable ASCII (no line breaks or control characters): it is sent as an"
              + " HTTP header");
    }
    return userAgent;
  }

  private static java.nio.file.Path demoSite(Section s) {
    java.nio.file.Path demoSite = s.path("demo-site");
    if (demoSite != null && !java.nio.file.Files.isDirectory(demoSite)) {
      s.problem(
          "demo-site",
          "'"
              + demoSite
              + "' is not a folder; give the folder the demo site"
              + " serves (the bundled one is data/site)");
    }
    return demoSite;
  }

  /** The {@code extract} fields: names that can be columns, each rule checked as jsoup reads it. */
  private static Map<String, Extract> extract(Section fields) {
    Map<String, Extract> extract = new LinkedHashMap<>();
    List<String> builtIn = PipelineChecks.of(PipelineType.URL_SCRAPE).builtInColumns();
    for (String name : fields.keys()) {
      if (builtIn.contains(name)) {
        fields.problem(
            name,
            "'"
                + name
                + "' is a built-in column of the table; give the field another name (e.g. 'my_"
                + name
                + "')");
      } else if (!name.matches("[a-z][a-z0-9_]*")) {
        fields.problem(
            name,
            "field names become Parquet columns: use lowercase letters, digits"
                + " and '_', starting with a letter (e.g. 'price', 'author_name')");
      }
      Section field = fields.section(name);
      String css =
          field.requiredString("css", "a CSS selector such as 'h1' or 'meta[name=author]'");
      String attr = field.string("attr", "text");
      boolean all = field.bool("all", false);
      field.finish();
      if (css != null && attr != null && name.matches("[a-z][a-z0-9_]*")) {
        try {
          new dev.forkline.workers.html.ExtractRule(name, css, attr, all);
        } catch (IllegalArgumentException e) {
          field.problem(
              e.getMessage().contains("selector") ? "css" : "attr",
              e.getMessage().replaceFirst("^extract rule '[^']*': ", ""));
          continue;
        }
        extract.put(name, new Extract(css, attr, all));
      }
    }
    return extract;
  }
}
