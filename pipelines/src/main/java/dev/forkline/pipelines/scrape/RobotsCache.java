package dev.forkline.pipelines.scrape;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import dev.forkline.pipelines.exec.Attempt;
import dev.forkline.pipelines.exec.RetryableException;
import dev.forkline.pipelines.exec.StageException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * robots.txt per {@code scheme://host:port}, fetched once and kept for the JVM's life, so a
 * thousand URLs of a site cost one robots request. Concurrent callers for the same origin wait for
 * the one fetch in flight.
 *
 * <p>Policy (RFC 9309): a 2xx body is parsed (its first {@code robotsMaxBytes}) with
 * crawler-commons, matching the user agent's product token; up to 5 redirects are followed, more
 * mean allow all; any 4xx means allow all; a 5xx, a timeout or a broken body defers the host: its
 * URLs fail with the retryable kind {@code robots-unavailable} (the executor pauses the host and
 * retries them after the failure is {@code robotsRetryAfter} old, when robots.txt is fetched again)
 * and after {@value #ROBOTS_TRIES} such fetches in a row every URL of the origin fails at once with
 * that kind, not retried. A connection failure or timeout is the host being down, not only its
 * robots.txt: the URL that asked fails with that kind (retried after the executor's back-off), the
 * failure counts against the host's error budget ({@link HostHealth}), and nothing is remembered,
 * so the next attempt asks again; a dead host's URLs then fail fast as {@code host-unavailable}
 * once the budget is spent, instead of each waiting for a deferral.
 */
public final class RobotsCache {
  private static final int MAX_ROBOTS_REDIRECTS = 5;
  private static final int MAX_ORIGINS = 100_000;

  /**
   * robots.txt fetches that may fail in a row (5xx, a broken body) before the origin is given up.
   */
  static final int ROBOTS_TRIES = 3;

  private final FetchSettings settings;
  private final FetchHttp client;
  private final HostHealth health;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> failedTries = new ConcurrentHashMap<>();

  /** The rules of one origin, or the deferral when its robots.txt could not be had. */
  private static final class Entry {
    final CompletableFuture<SimpleRobotRules> rules = new CompletableFuture<>();
    volatile long failedAt;

    /** Set when robots.txt failed {@value #ROBOTS_TRIES} times in a row: never fetched again. */
    volatile boolean givenUp;
  }

  /**
   * A failure of the host, not of its robots.txt: the waiters fail with it too, nothing is kept.
   */
  private static final class HostFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final StageException failure;

    HostFailure(StageException failure) {
      this.failure = failure;
    }
  }

  /** The owner of a fetch gave up (its own deadline passed): waiters fetch anew. */
  private static final class Abandoned extends Exception {
    private static final long serialVersionUID = 1L;
  }

  RobotsCache(FetchSettings settings, FetchHttp client, HostHealth health) {
    this.settings = settings;
    this.client = client;
    this.health = health;
  }

  /**
   * Fails with {@code robots-denied} when robots.txt disallows {@code url} (normalized) for our
   * agent; fetches robots.txt first if this origin has none yet.
   *
   * @throws RetryableException {@code robots-unavailable} while the origin is deferred, {@code
   *     timeout} when the attempt ran out waiting
   */
  public void check(String url, Attempt attempt) throws StageException, InterruptedException {
    URI uri = URI.create(url);
    check(uri, deadline(attempt), allowPrivate(uri));
  }

  /**
   * The origin's {@code Crawl-delay} for our agent, capped at {@code maxCrawlDelay}; empty when
   * robots.txt sets none.
   */
  public Optional<Duration> crawlDelay(String url, Attempt attempt)
      throws StageException, InterruptedException {
    URI uri = URI.create(url);
    return crawlDelay(rules(uri, deadline(attempt), allowPrivate(uri)));
  }

  /**
   * As {@link #check(String, Attempt)}, within {@code deadline}.
   *
   * @param allowPrivate whether robots.txt may be fetched from a non-public address (the fetch's
   *     chain started at one, or the settings allow it)
   */
  void check(URI url, long deadline, boolean allowPrivate)
      throws StageException, InterruptedException {
    SimpleRobotRules rules = rules(url, deadline, allowPrivate);
    if (!rules.isAllowed(url.toString())) {
      throw new StageException(
          FetchKind.ROBOTS_DENIED,
          url
              + " is disallowed by "
              + UrlNormalizer.origin(url)
              + "/robots.txt for the agent '"
              + settings.robotsName()
              + "'");
    }
  }

  Optional<Duration> crawlDelay(SimpleRobotRules rules) {
    long millis = rules.getCrawlDelay();
    if (millis == BaseRobotRules.UNSET_CRAWL_DELAY || millis < 0) {
      return Optional.empty();
    }
    Duration delay = Duration.ofMillis(millis);
    return Optional.of(
        delay.compareTo(settings.maxCrawlDelay()) > 0 ? settings.maxCrawlDelay() : delay);
  }

  /** The rules of the URL's origin: cached, awaited, or fetched by this thread. */
  SimpleRobotRules rules(URI url, long deadline, boolean allowPrivate)
      throws StageException, InterruptedException {
    String origin = UrlNormalizer.origin(url);
    while (true) {
      Entry mine = new Entry();
      Entry entry = entries.putIfAbsent(origin, mine);
      if (entry == null) {
        return fetchAsOwner(origin, mine, deadline, allowPrivate);
      }
      if (entry.failedAt != 0 && !entry.givenUp && expired(entry)) {
        entries.remove(origin, entry);
        continue;
      }
      long left = deadline - System.nanoTime();
      try {
        return entry.rules.get(Math.max(0, left), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw FetchFailures.timeout(URI.create(origin + "/robots.txt"), "waiting for robots.txt");
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Abandoned) {
          continue;
        }
        if (e.getCause() instanceof HostFailure h) {
          throw h.failure;
        }
        throw deferred(origin, entry, e.getCause());
      }
    }
  }

  private SimpleRobotRules fetchAsOwner(
      String origin, Entry mine, long callerDeadline, boolean allowPrivate)
      throws StageException, InterruptedException {
    long robotsDeadline = System.nanoTime() + settings.robotsTimeout().toNanos();
    long deadline = Math.min(callerDeadline, robotsDeadline);
    try {
      SimpleRobotRules rules = fetch(origin, deadline, allowPrivate);
      failedTries.remove(origin);
      mine.rules.complete(rules);
      evictIfFull();
      return rules;
    } catch (StageException e) {
      if (FetchKind.TIMEOUT.is(e.kind()) && callerDeadline <= robotsDeadline) {
        // Our own attempt ran out, not the host's robots timeout: let the next caller try.
        abandon(origin, mine);
        throw e;
      }
      if (FetchKind.BLOCKED_ADDRESS.is(e.kind())) {
        // This caller may not reach the address; one whose chain may can fetch it later.
        abandon(origin, mine);
        throw e;
      }
      if (!FetchKind.BAD_RESPONSE.is(e.kind())) {
        health.failure(origin); // connect, timeout or 5xx
      }
      if (FetchKind.CONNECT.is(e.kind()) || FetchKind.TIMEOUT.is(e.kind())) {
        abandon(origin, mine, new HostFailure(e));
        throw e; // retryable or not as the failure is (a refused TLS handshake is not)
      }
      int tries = failedTries.merge(origin, 1, Integer::sum);
      mine.givenUp = tries >= ROBOTS_TRIES;
      mine.failedAt = Math.max(1, System.nanoTime());
      mine.rules.completeExceptionally(e);
      throw deferred(origin, mine, e);
    } catch (InterruptedException | RuntimeException | Error e) {
      abandon(origin, mine);
      throw e;
    }
  }

  private void abandon(String origin, Entry mine) {
    abandon(origin, mine, new Abandoned());
  }

  /** Forgets this fetch: its waiters get {@code why}, the next caller fetches anew. */
  private void abandon(String origin, Entry mine, Exception why) {
    entries.remove(origin, mine);
    mine.rules.completeExceptionally(why);
  }

  private SimpleRobotRules fetch(String origin, long deadline, boolean allowPrivate)
      throws StageException, InterruptedException {
    URI url = URI.create(origin + "/robots.txt");
    for (int hop = 0; hop <= MAX_ROBOTS_REDIRECTS; hop++) {
      FetchHttp.Answer response = client.send(url, settings.userAgent(), deadline, allowPrivate);
      int status = response.statusCode();
      if (status < 500) {
        health.success(origin);
      }
      if (status >= 200 && status < 300) {
        BodyReader.Body body =
            BodyReader.read(response, settings.robotsMaxBytes(), false, deadline);
        String contentType = response.header("Content-Type").orElse("text/plain");
        return parser()
            .parseContent(
                url.toString(), body.bytes(), contentType, List.of(settings.robotsName()));
      }
      response.close();
      if (status >= 300 && status < 400) {
        Optional<String> location = response.header("Location");
        if (location.isEmpty()) {
          return allowAll();
        }
        try {
          url = URI.create(UrlNormalizer.resolve(url.toString(), location.get()));
        } catch (StageException e) {
          return allowAll();
        }
        continue;
      }
      if (status >= 400 && status < 500) {
        return allowAll();
      }
      throw new RetryableException(FetchKind.ROBOTS_UNAVAILABLE, url + " answered " + status, null);
    }
    return allowAll();
  }

  private static SimpleRobotRulesParser parser() {
    // No crawl-delay cap in the parser: above its cap it disallows everything; ours caps instead.
    return new SimpleRobotRulesParser(Long.MAX_VALUE, 5);
  }

  private static SimpleRobotRules allowAll() {
    return new SimpleRobotRules(SimpleRobotRules.RobotRulesMode.ALLOW_ALL);
  }

  private boolean expired(Entry entry) {
    return System.nanoTime() - entry.failedAt >= settings.robotsRetryAfter().toNanos();
  }

  private StageException deferred(String origin, Entry entry, Throwable cause) {
    String why = cause == null ? "failed" : cause.getMessage();
    if (entry.givenUp) {
      return new StageException(
          FetchKind.ROBOTS_UNAVAILABLE,
          origin
              + "/robots.txt could not be fetched "
              + ROBOTS_TRIES
              + " times in a row (last: "
              + why
              + "), so the host's URLs are not fetched");
    }
    long leftNanos = settings.robotsRetryAfter().toNanos() - (System.nanoTime() - entry.failedAt);
    Duration retryAfter = leftNanos > 0 ? Duration.ofNanos(leftNanos) : null;
    return new RetryableException(
        FetchKind.ROBOTS_UNAVAILABLE,
        origin
            + "/robots.txt could not be fetched ("
            + why
            + "); the host's URLs are deferred until it can be",
        retryAfter);
  }

  private void evictIfFull() {
    if (entries.size() <= MAX_ORIGINS) {
      return;
    }
    for (var it = entries.values().iterator(); it.hasNext() && entries.size() > MAX_ORIGINS / 2; ) {
      if (it.next().rules.isDone()) {
        it.remove();
      }
    }
  }

  /** Whether robots.txt of {@code url}'s origin may come from a non-public address. */
  private boolean allowPrivate(URI url) {
    return settings.allowPrivateAddresses() || AddressGuard.isPrivateHost(url.getHost());
  }

  private long deadline(Attempt attempt) {
    return System.nanoTime() + attempt.remaining().toNanos();
  }
}
