package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.exec.Attempt;
import dev.forkline.pipelines.exec.BlockingCall;
import dev.forkline.pipelines.exec.RetryableException;
import dev.forkline.pipelines.exec.StageException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Fetches one URL politely and within a deadline: normalizes it, honours robots.txt and the host's
 * error budget, follows redirects by hand, and reads the body with a size cap. Thread-safe; a
 * {@link BlockingCall} so it runs on {@link dev.forkline.pipelines.exec.Threaded} keyed by host.
 *
 * <p>Only the settings are serialized. What the fetches of a run share, its host health, robots.txt
 * cache and HTTP client with its connections, is this fetcher's own: opened by {@link #setup} (or
 * the first fetch) and closed by {@link #teardown}, which the executor calls once per JVM before
 * the run's first element and after its last. A stage's copies in one JVM run through one executor
 * and so share them; a later run in the same JVM (the daemon) starts with none of them.
 *
 * <p>Failure kinds: see {@link FetchKind}. Retried ({@link RetryableException}): {@code connect},
 * {@code timeout}, {@code robots-unavailable}, {@code http-4xx} for 408/429 and {@code http-5xx}
 * for 500/502/503/504, with the server's {@code Retry-After} (capped) when it sends one.
 */
public final class Fetcher implements BlockingCall<String, FetchResult> {
  private static final long serialVersionUID = 1L;

  private final FetchSettings settings;
  private transient volatile HostHealth health;
  private transient volatile RobotsCache robots;
  private transient volatile FetchHttp http;

  /** Set by {@link #teardown}, cleared by {@link #setup}: no lazy opening after the run. */
  private transient volatile boolean tornDown;

  /** Whether {@link #http} was made here, so {@link #teardown} closes it. */
  private transient boolean ownsHttp;

  public Fetcher(FetchSettings settings) {
    if (settings == null) {
      throw new IllegalArgumentException("a Fetcher needs its settings");
    }
    this.settings = settings;
  }

  /** A fetcher with this host health (tests); lost when serialized. */
  Fetcher(FetchSettings settings, HostHealth health) {
    this(settings);
    this.health = health;
  }

  /** A fetcher with this host health and client, not closed by teardown (tests). */
  Fetcher(FetchSettings settings, HostHealth health, FetchHttp http) {
    this(settings, health);
    this.http = http;
  }

  /** Opens what this run's fetches share: host health, robots.txt cache, HTTP client. */
  @Override
  public synchronized void setup() {
    tornDown = false;
    if (http == null) {
      http = new FetchHttp(settings.connectTimeout());
      ownsHttp = true;
    }
    if (health == null) {
      health = new HostHealth();
    }
    if (robots == null) {
      robots = new RobotsCache(settings, http, health);
    }
  }

  /**
   * Closes the client's connections and forgets the run's hosts. A fetch after it (a call the
   * executor gave up on, returning late) fails instead of opening a client nobody would close;
   * {@link #setup} opens anew.
   */
  @Override
  public synchronized void teardown() {
    tornDown = true;
    if (ownsHttp && http != null) {
      http.close();
    }
    http = null;
    ownsHttp = false;
    health = null;
    robots = null;
  }

  public FetchSettings settings() {
    return settings;
  }

  @Override
  public FetchResult call(String url, Attempt attempt) throws Exception {
    return fetch(url, attempt);
  }

  /**
   * Fetches {@code url} within the attempt's time left (capped by {@code maxFetchTime}).
   *
   * @throws StageException a failure with one of the {@link FetchKind}; a {@link
   *     RetryableException} for those worth another attempt
   * @throws InterruptedException when the thread is interrupted; the connection is closed
   */
  public FetchResult fetch(String url, Attempt attempt)
      throws StageException, InterruptedException {
    return fetch(url, attempt, null);
  }

  /**
   * {@link #fetch(String, Attempt)}, adding each hop that got an answer to {@code exchanges} (when
   * not null) for the WARC records, in order, whether the fetch then succeeds or fails: the bodies
   * of redirects and errors are read for them too (up to the body limit). A hop without an answer
   * (the connection failed, the deadline came first) adds nothing. robots.txt is not recorded.
   */
  public FetchResult fetch(String url, Attempt attempt, List<WarcExchange> exchanges)
      throws StageException, InterruptedException {
    long start = System.nanoTime();
    long deadline =
        start + Math.min(attempt.remaining().toNanos(), settings.maxFetchTime().toNanos());
    String requested = UrlNormalizer.normalize(url);
    String current = requested;
    Set<String> seen = new HashSet<>();
    seen.add(current);
    FetchHttp client = http();
    // The listed URL's own host decides whether the chain may reach private addresses.
    boolean allowPrivate =
        settings.allowPrivateAddresses()
            || AddressGuard.isPrivateHost(URI.create(requested).getHost());
    HostHealth health = health();
    for (int redirects = 0; ; redirects++) {
      URI uri = URI.create(current);
      String origin = UrlNormalizer.origin(uri);
      health.check(origin, settings.hostFailureLimit());
      if (!allowPrivate) {
        client.checkLiteral(uri); // before robots.txt, which would be fetched from there
      }
      if (settings.respectRobots()) {
        robots().check(uri, deadline, allowPrivate);
      }
      WarcExchange.Capture capture =
          exchanges == null ? null : new WarcExchange.Capture(settings.maxBodyBytes());
      FetchHttp.Answer response =
          send(client, uri, deadline, allowPrivate, health, origin, capture);
      Instant answeredAt = Instant.now();
      int status = response.statusCode();
      if (status >= 500) {
        health.failure(origin);
      } else {
        health.success(origin);
      }
      try {
        if (status >= 200 && status < 300) {
          BodyReader.Body body = readBody(response, deadline, health, origin);
          String[] type = contentType(response.header("Content-Type"));
          return new FetchResult(
              requested,
              current,
              status,
              type[0],
              type[1],
              body.bytes(),
              body.truncated(),
              body.bytes().length,
              (System.nanoTime() - start) / 1_000_000,
              redirects,
              answeredAt);
        }
        if (capture != null) {
          BodyReader.readForRecord(response, settings.maxBodyBytes(), deadline);
        } else {
          response.close();
        }
      } finally {
        if (capture != null) {
          exchanges.add(capture.exchange(uri));
        }
      }
      if (status >= 300 && status < 400) {
        current = nextHop(current, status, response.header("Location"), redirects, seen);
        continue;
      }
      throw statusFailure(current, status, response.header("Retry-After"));
    }
  }

  /**
   * The origin's robots.txt {@code Crawl-delay} (capped by the settings), for pacing a host; empty
   * when none is set or robots.txt is not honoured. A host given up fails here as {@code
   * host-unavailable}, before its robots.txt is asked for again.
   */
  public Optional<Duration> crawlDelay(String url, Attempt attempt)
      throws StageException, InterruptedException {
    if (!settings.respectRobots()) {
      return Optional.empty();
    }
    String normalized = UrlNormalizer.normalize(url);
    health().check(UrlNormalizer.origin(URI.create(normalized)), settings.hostFailureLimit());
    return robots().crawlDelay(normalized, attempt);
  }

  private FetchHttp.Answer send(
      FetchHttp client,
      URI uri,
      long deadline,
      boolean allowPrivate,
      HostHealth health,
      String origin,
      WarcExchange.Capture capture)
      throws StageException, InterruptedException {
    try {
      return client.send(uri, settings.userAgent(), deadline, allowPrivate, capture);
    } catch (StageException e) {
      countFailure(health, origin, e);
      throw e;
    }
  }

  private BodyReader.Body readBody(
      FetchHttp.Answer response, long deadline, HostHealth health, String origin)
      throws StageException, InterruptedException {
    long max = settings.maxBodyBytes();
    OptionalLong length = response.headerAsLong("Content-Length");
    boolean encoded = response.header("Content-Encoding").isPresent();
    if (!settings.truncateBody() && !encoded && length.isPresent() && length.getAsLong() > max) {
      if (response.capture() != null) {
        response.capture().truncated(org.netpreserve.jwarc.WarcTruncationReason.LENGTH);
      }
      response.close();
      throw new StageException(
          FetchKind.TOO_LARGE,
          response.uri()
              + ": Content-Length "
              + length.getAsLong()
              + " is over the limit of "
              + max
              + " bytes");
    }
    try {
      return BodyReader.read(response, max, !settings.truncateBody(), deadline);
    } catch (StageException e) {
      countFailure(health, origin, e);
      throw e;
    }
  }

  private String nextHop(
      String current, int status, Optional<String> locationHeader, int redirects, Set<String> seen)
      throws StageException {
    if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
      throw new StageException(
          FetchKind.REDIRECT,
          current + " answered " + status + ", which is not a redirect that can be followed");
    }
    String location =
        locationHeader.orElseThrow(
            () ->
                new StageException(
                    FetchKind.REDIRECT,
                    current + " answered " + status + " without a Location header"));
    if (redirects >= settings.maxRedirects()) {
      throw new StageException(
          FetchKind.REDIRECT,
          current
              + " redirects again after "
              + redirects
              + " redirects; at most "
              + settings.maxRedirects()
              + " are followed");
    }
    String next;
    try {
      next = UrlNormalizer.resolve(current, location);
    } catch (StageException e) {
      throw new StageException(
          FetchKind.REDIRECT,
          current
              + " redirects to '"
              + location
              + "', which cannot be fetched: "
              + e.getMessage()
              + " (redirects are followed to http and https URLs only)");
    }
    if (!seen.add(next)) {
      throw new StageException(
          FetchKind.REDIRECT,
          "redirect loop: " + current + " redirects to " + next + ", which was already visited");
    }
    return next;
  }

  private StageException statusFailure(String url, int status, Optional<String> retryAfter) {
    String message = url + " answered HTTP " + status;
    if (status == 408 || status == 429) {
      return new RetryableException(
          FetchKind.HTTP_4XX, message, retryAfter(retryAfter, settings.maxRetryAfter()));
    }
    if (status == 500 || status == 502 || status == 503 || status == 504) {
      return new RetryableException(
          FetchKind.HTTP_5XX, message, retryAfter(retryAfter, settings.maxRetryAfter()));
    }
    if (status >= 400 && status < 500) {
      return new StageException(FetchKind.HTTP_4XX, message);
    }
    if (status >= 500 && status < 600) {
      return new StageException(FetchKind.HTTP_5XX, message);
    }
    return new StageException(
        FetchKind.BAD_RESPONSE, message + ", which is not a final HTTP status");
  }

  private static void countFailure(HostHealth health, String origin, StageException e) {
    if (FetchKind.CONNECT.is(e.kind()) || FetchKind.TIMEOUT.is(e.kind())) {
      health.failure(origin);
    }
  }

  private static Duration retryAfter(Optional<String> header, Duration cap) {
    return header.map(v -> parseRetryAfter(v, cap, Instant.now())).orElse(null);
  }

  /**
   * A {@code Retry-After} value, seconds or an HTTP date, capped; null when it is neither (the
   * executor's back-off applies then).
   */
  static Duration parseRetryAfter(String value, Duration cap, Instant now) {
    String v = value.strip();
    Duration wait;
    if (v.matches("[0-9]{1,12}")) {
      wait = Duration.ofSeconds(Long.parseLong(v));
    } else {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        wait = Duration.between(now, at);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    if (wait.isNegative()) {
      return Duration.ZERO;
    }
    return wait.compareTo(cap) > 0 ? cap : wait;
  }

  /** Media type (lower case, no parameters) and charset parameter of Content-Type; nullable. */
  static String[] contentType(Optional<String> header) {
    if (header.isEmpty() || header.get().isBlank()) {
      return new String[] {null, null};
    }
    String[] parts = header.get().split(";");
    String media = parts[0].strip().toLowerCase(Locale.ROOT);
    String charset = null;
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase("charset")) {
        charset = p.substring(eq + 1).strip().replace("\"", "");
        if (charset.isEmpty()) {
          charset = null;
        }
      }
    }
    return new String[] {media.isEmpty() ? null : media, charset};
  }

  /**
   * Opens on first use (a fetcher used without the executor, as in tests), never after teardown.
   */
  private synchronized void lazySetup() {
    if (tornDown) {
      throw new IllegalStateException("this fetcher's run has ended (teardown was called)");
    }
    setup();
  }

  private HostHealth health() {
    HostHealth h = health;
    if (h == null) {
      lazySetup();
      h = health;
    }
    return h;
  }

  private FetchHttp http() {
    FetchHttp h = http;
    if (h == null) {
      lazySetup();
      h = http;
    }
    return h;
  }

  private RobotsCache robots() {
    RobotsCache r = robots;
    if (r == null) {
      lazySetup();
      r = robots;
    }
    return r;
  }
}
