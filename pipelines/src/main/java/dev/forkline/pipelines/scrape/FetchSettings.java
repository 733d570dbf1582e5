package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.config.UrlScrapeSettings;
import java.io.Serializable;
import java.time.Duration;

/**
 * How the {@link Fetcher} fetches: identity, limits and politeness. Immutable and serializable (it
 * travels with the Beam call); the {@code withX} methods return validated copies.
 *
 * @param userAgent the User-Agent header; its product token (before '/') is the robots.txt name
 * @param connectTimeout how long a TCP (and TLS) connect may take
 * @param maxFetchTime cap of one fetch, redirects included; the attempt's time left also caps it
 * @param maxBodyBytes the largest body kept, counted after gzip/deflate decoding
 * @param truncateBody over {@code maxBodyBytes}: keep the first bytes and mark the result truncated
 *     (true), or fail the URL as {@code too-large} (false)
 * @param maxRedirects redirects followed before the URL fails as {@code redirect}
 * @param respectRobots check robots.txt before every request
 * @param robotsMaxBytes the part of a robots.txt that is read and parsed (RFC 9309: 500 KiB)
 * @param robotsTimeout cap of one robots.txt fetch
 * @param robotsRetryAfter how long a robots.txt that failed (5xx, connection) is remembered before
 *     it is fetched again; URLs of the host are deferred meanwhile
 * @param maxCrawlDelay cap of a robots.txt {@code Crawl-delay}
 * @param hostFailureLimit consecutive failures (connect, timeout, 5xx) after which a host is
 *     skipped as {@code host-unavailable}; 0 never skips
 * @param maxRetryAfter cap of a server's {@code Retry-After}
 * @param allowPrivateAddresses let a fetch that starts at a public host reach loopback, private and
 *     link-local addresses (a redirect to one, a name resolving to one); a URL whose own host is
 *     such an address may reach them either way
 */
public record FetchSettings(
    String userAgent,
    Duration connectTimeout,
    Duration maxFetchTime,
    long maxBodyBytes,
    boolean truncateBody,
    int maxRedirects,
    boolean respectRobots,
    int robotsMaxBytes,
    Duration robotsTimeout,
    Duration robotsRetryAfter,
    Duration maxCrawlDelay,
    int hostFailureLimit,
    Duration maxRetryAfter,
    boolean allowPrivateAddresses)
    implements Serializable {

  public FetchSettings {
    if (userAgent == null || userAgent.isBlank()) {
      throw new IllegalArgumentException(
          "userAgent must not be blank; sites and robots.txt rules match on it");
    }
    if (!userAgent.chars().allMatch(c -> c >= ' ' && c < 127)) {
      throw new IllegalArgumentException(
          "userAgent must be printable ASCII: it is sent as an HTTP header");
    }
    positive("connectTimeout", connectTimeout);
    positive("maxFetchTime", maxFetchTime);
    if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "maxBodyBytes must be 1 to " + (Integer.MAX_VALUE - 8) + ", got " + maxBodyBytes);
    }
    if (maxRedirects < 0) {
      throw new IllegalArgumentException("maxRedirects must be 0 or more, got " + maxRedirects);
    }
    if (robotsMaxBytes < 1) {
      throw new IllegalArgumentException("robotsMaxBytes must be positive, got " + robotsMaxBytes);
    }
    positive("robotsTimeout", robotsTimeout);
    nonNegative("robotsRetryAfter", robotsRetryAfter);
    nonNegative("maxCrawlDelay", maxCrawlDelay);
    if (hostFailureLimit < 0) {
      throw new IllegalArgumentException(
          "hostFailureLimit must be 0 (never skip a host) or more, got " + hostFailureLimit);
    }
    nonNegative("maxRetryAfter", maxRetryAfter);
  }

  /**
   * Defaults: 10 s connect, 60 s per fetch, 5 MB body truncated, 5 redirects, robots.txt honoured
   * (500 KiB, 10 s, failures remembered 30 s), crawl-delay capped at 60 s, a host skipped after 10
   * failures in a row, Retry-After capped at 120 s, private addresses only for URLs that name one.
   */
  public static FetchSettings defaults() {
    return new FetchSettings(
        UrlScrapeSettings.DEFAULT_USER_AGENT,
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        5L << 20,
        true,
        5,
        true,
        500 * 1024,
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        10,
        Duration.ofSeconds(120),
        false);
  }

  /**
   * The fetch settings of a url-scrape config: user agent, body limit and what to do past it,
   * redirects, connect timeout, robots.txt and its Crawl-delay cap, the host error budget; the
   * defaults for the rest.
   */
  public static FetchSettings from(UrlScrapeSettings scrape) {
    FetchSettings d = defaults();
    return d.withUserAgent(scrape.userAgent())
        .withMaxBody(scrape.maxBodyBytes(), scrape.truncateBody())
        .withMaxRedirects(scrape.maxRedirects())
        .withConnectTimeout(scrape.connectTimeout())
        .withHostFailureLimit(scrape.hostFailureLimit())
        .withAllowPrivateAddresses(scrape.allowPrivateAddresses())
        .withRobots(
            scrape.respectRobots(),
            d.robotsTimeout(),
            d.robotsRetryAfter(),
            scrape.maxCrawlDelay());
  }

  /**
   * The name matched against robots.txt {@code User-agent} lines: the product token of the user
   * agent (before the first '/' or space), lower case.
   */
  public String robotsName() {
    String token = userAgent.strip().split("[/\\s]", 2)[0];
    return token.toLowerCase(java.util.Locale.ROOT);
  }

  public FetchSettings withUserAgent(String userAgent) {
    return with(m -> m.userAgent = userAgent);
  }

  public FetchSettings withConnectTimeout(Duration connectTimeout) {
    return with(m -> m.connectTimeout = connectTimeout);
  }

  public FetchSettings withMaxFetchTime(Duration maxFetchTime) {
    return with(m -> m.maxFetchTime = maxFetchTime);
  }

  /**
   * @param truncate keep the first {@code maxBodyBytes} and mark truncated, else fail too-large
   */
  public FetchSettings withMaxBody(long maxBodyBytes, boolean truncate) {
    return with(
        m -> {
          m.maxBodyBytes = maxBodyBytes;
          m.truncateBody = truncate;
        });
  }

  public FetchSettings withMaxRedirects(int maxRedirects) {
    return with(m -> m.maxRedirects = maxRedirects);
  }

  public FetchSettings withRobots(
      boolean respect, Duration timeout, Duration retryAfter, Duration maxCrawlDelay) {
    return with(
        m -> {
          m.respectRobots = respect;
          m.robotsTimeout = timeout;
          m.robotsRetryAfter = retryAfter;
          m.maxCrawlDelay = maxCrawlDelay;
        });
  }

  public FetchSettings withHostFailureLimit(int hostFailureLimit) {
    return with(m -> m.hostFailureLimit = hostFailureLimit);
  }

  public FetchSettings withMaxRetryAfter(Duration maxRetryAfter) {
    return with(m -> m.maxRetryAfter = maxRetryAfter);
  }

  public FetchSettings withAllowPrivateAddresses(boolean allow) {
    return with(m -> m.allowPrivateAddresses = allow);
  }

  /** A copy with some values changed, validated by the constructor like any other. */
  private FetchSettings with(java.util.function.Consumer<Change> change) {
    Change m = new Change(this);
    change.accept(m);
    return new FetchSettings(
        m.userAgent,
        m.connectTimeout,
        m.maxFetchTime,
        m.maxBodyBytes,
        m.truncateBody,
        m.maxRedirects,
        m.respectRobots,
        m.robotsMaxBytes,
        m.robotsTimeout,
        m.robotsRetryAfter,
        m.maxCrawlDelay,
        m.hostFailureLimit,
        m.maxRetryAfter,
        m.allowPrivateAddresses);
  }

  /** The values of a copy being made by {@link #with}. */
  private static final class Change {
    String userAgent;
    Duration connectTimeout;
    Duration maxFetchTime;
    long maxBodyBytes;
    boolean truncateBody;
    int maxRedirects;
    boolean respectRobots;
    int robotsMaxBytes;
    Duration robotsTimeout;
    Duration robotsRetryAfter;
    Duration maxCrawlDelay;
    int hostFailureLimit;
    Duration maxRetryAfter;
    boolean allowPrivateAddresses;

    Change(FetchSettings s) {
      userAgent = s.userAgent;
      connectTimeout = s.connectTimeout;
      maxFetchTime = s.maxFetchTime;
      maxBodyBytes = s.maxBodyBytes;
      truncateBody = s.truncateBody;
      maxRedirects = s.maxRedirects;
      respectRobots = s.respectRobots;
      robotsMaxBytes = s.robotsMaxBytes;
      robotsTimeout = s.robotsTimeout;
      robotsRetryAfter = s.robotsRetryAfter;
      maxCrawlDelay = s.maxCrawlDelay;
      hostFailureLimit = s.hostFailureLimit;
      maxRetryAfter = s.maxRetryAfter;
      allowPrivateAddresses = s.allowPrivateAddresses;
    }
  }

  private static void positive(String name, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
    }
  }

  private static void nonNegative(String name, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be zero or more, got " + value);
    }
  }
}
