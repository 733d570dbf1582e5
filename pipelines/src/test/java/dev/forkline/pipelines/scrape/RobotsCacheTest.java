package dev.forkline.pipelines.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.forkline.pipelines.exec.Attempt;
import dev.forkline.pipelines.exec.RetryableException;
import dev.forkline.pipelines.exec.StageException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RobotsCacheTest {
  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

  /** A site on 127.0.0.1 whose robots.txt answers a given status and body, slowly if asked. */
  private HttpServer server;

  private final AtomicInteger robotsHits = new AtomicInteger();
  private final AtomicInteger pageHits = new AtomicInteger();

  private void serve(int robotsStatus, String robots, long robotsDelayMillis) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            String path = ex.getRequestURI().getPath();
            int status = 200;
            String body = "<h1>page</h1>";
            if (path.equals("/robots.txt")) {
              robotsHits.incrementAndGet();
              sleep(robotsDelayMillis);
              status = robotsStatus;
              body = robots;
            } else if (path.equals("/go-private")) {
              ex.getResponseHeaders().set("Location", "/private/page");
              status = 302;
            } else {
              pageHits.incrementAndGet();
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
              try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
              }
            }
          }
        });
    server.start();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
      ((ExecutorService) server.getExecutor()).shutdownNow();
    }
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private static Fetcher fetcher(FetchSettings settings) {
    return new Fetcher(settings, new HostHealth());
  }

  private static final String DISALLOW_PRIVATE = "User-agent: *\nDisallow: /private/\n";

  @Test
  void disallowedUrlIsDenied() throws IOException {
    serve(200, DISALLOW_PRIVATE, 0);
    Fetcher f = fetcher(FetchSettings.defaults());
    StageException e =
        assertThrows(
            StageException.class, () -> f.fetch(url("/private/page"), Attempt.single(TEN_SECONDS)));
    assertEquals(FetchKind.ROBOTS_DENIED.label(), e.kind());
    assertEquals(0, pageHits.get());
  }

  @Test
  void allowedUrlIsFetched() throws Exception {
    serve(200, DISALLOW_PRIVATE, 0);
    Fetcher f = fetcher(FetchSettings.defaults());
    assertEquals(200, f.fetch(url("/public/page"), Attempt.single(TEN_SECONDS)).status());
  }

  @Test
  void rulesForOurAgentUseItsProductToken() throws Exception {
    serve(200, "User-agent: forkline\nDisallow: /\n\nUser-agent: *\nAllow: /\n", 0);
    Fetcher ours = fetcher(FetchSettings.defaults().withUserAgent("forkline/0.1 (test)"));
    StageException e =
        assertThrows(
            StageException.class, () -> ours.fetch(url("/a"), Attempt.single(TEN_SECONDS)));
    assertEquals(FetchKind.ROBOTS_DENIED.label(), e.kind());
    Fetcher other = fetcher(FetchSettings.defaults().withUserAgent("otherbot/2.0"));
    assertEquals(200, other.fetch(url("/a"), Attempt.single(TEN_SECONDS)).status());
  }

  @Test
  void redirectTargetIsCheckedAgainstRobots() throws IOException {
    serve(200, DISALLOW_PRIVATE, 0);
    Fetcher f = fetcher(FetchSettings.defaults());
    StageException e =
        assertThrows(
            StageException.class, () -> f.fetch(url("/go-private"), Attempt.single(TEN_SECONDS)));
    assertEquals(FetchKind.ROBOTS_DENIED.label(), e.kind());
    assertEquals(0, pageHits.get());
  }

  @Test
  void robotsNotFoundAllowsAll() throws Exception {
    serve(404, "", 0);
    Fetcher f = fetcher(FetchSettings.defaults());
    assertEquals(200, f.fetch(url("/private/page"), Attempt.single(TEN_SECONDS)).status());
  }

  @Test
  void robotsServerErrorDefersTheHost() throws IOException {
    serve(500, "", 0);
    Fetcher f = fetcher(FetchSettings.defaults());
    StageException e =
        assertThrows(StageException.class, () -> f.fetch(url("/a"), Attempt.single(TEN_SECONDS)));
    assertEquals(FetchKind.ROBOTS_UNAVAILABLE.label(), e.kind());
    RetryableException r = assertInstanceOf(RetryableException.class, e);
    assertTrue(r.retryAfter() != null && !r.retryAfter().isZero(), "retryAfter " + r.retryAfter());
    assertEquals(0, pageHits.get());
  }

  @Test
  void deferredRobotsIsFetchedAgainAfterItsRetryTime() throws Exception {
    serve(503, "", 0);
    FetchSettings settings =
        FetchSettings.defaults()
            .withRobots(
                true, Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(60));
    Fetcher f = fetcher(settings);
    assertThrows(RetryableException.class, () -> f.fetch(url("/a"), Attempt.single(TEN_SECONDS)));
    assertThrows(RetryableException.class, () -> f.fetch(url("/b"), Attempt.single(TEN_SECONDS)));
    assertEquals(1, robotsHits.get());
    Thread.sleep(300);
    assertThrows(RetryableException.class, () -> f.fetch(url("/c"), Attempt.single(TEN_SECONDS)));
    assertEquals(2, robotsHits.get());
  }

  @Test
  void robotsThatFailsThreeTimesInARowGivesTheHostUp() throws Exception {
    serve(503, "", 0);
    FetchSettings settings =
        FetchSettings.defaults()
            .withRobots(true, Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofSeconds(60));
    Fetcher f = fetcher(settings);
    for (int i = 0; i < RobotsCache.ROBOTS_TRIES - 1; i++) {
      assertThrows(RetryableException.class, () -> f.fetch(url("/a"), Attempt.single(TEN_SECONDS)));
      Thread.sleep(80);
    }
    StageException last =
        assertThrows(StageException.class, () -> f.fetch(url("/b"), Attempt.single(TEN_SECONDS)));
    assertEquals(FetchKind.ROBOTS_UNAVAILABLE.label(), last.kind());
    Thread.sleep(80);
    StageException later =
        assertThrows(StageException.class, () -> f.fetch(url("/c"), Attempt.single(TEN_SECONDS)));
    assertEquals(FetchKind.ROBOTS_UNAVAILABLE.label(), later.kind());
    assertFalse(later instanceof RetryableException, "not retried: " + later.getMessage());
    assertEquals(RobotsCache.ROBOTS_TRIES, robotsHits.get(), "not asked again");
    assertEquals(0, pageHits.get());
  }

  @Test
  void aRobotsConnectionFailureCountsAgainstTheHostsBudget() throws Exception {
    int port;
    try (java.net.ServerSocket closed =
        new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = closed.getLocalPort();
    }
    Fetcher f = fetcher(FetchSettings.defaults().withHostFailureLimit(3));
    String dead = "http://127.0.0.1:" + port + "/page";
    for (int i = 0; i < 3; i++) {
      StageException e =
          assertThrows(StageException.class, () -> f.fetch(dead, Attempt.single(TEN_SECONDS)));
      assertEquals(FetchKind.CONNECT.label(), e.kind());
    }
    StageException e =
        assertThrows(StageException.class, () -> f.fetch(dead, Attempt.single(TEN_SECONDS)));
    assertEquals(FetchKind.HOST_UNAVAILABLE.label(), e.kind(), e.getMessage());
  }

  @Test
  void robotsIsFetchedOnceForManyConcurrentUrls() throws Exception {
    serve(200, DISALLOW_PRIVATE, 300);
    Fetcher f = fetcher(FetchSettings.defaults());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<FetchResult>> results = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        String u = url("/page/" + i);
        results.add(pool.submit(() -> f.fetch(u, Attempt.single(TEN_SECONDS))));
      }
      for (Future<FetchResult> r : results) {
        assertEquals(200, r.get().status());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, robotsHits.get());
    assertEquals(24, pageHits.get());
  }

  @Test
  void crawlDelayIsRead() throws Exception {
    serve(200, "User-agent: *\nCrawl-delay: 2\n", 0);
    Fetcher f = fetcher(FetchSettings.defaults());
    assertEquals(
        Optional.of(Duration.ofSeconds(2)), f.crawlDelay(url("/"), Attempt.single(TEN_SECONDS)));
  }

  @Test
  void crawlDelayIsCapped() throws Exception {
    serve(200, "User-agent: *\nCrawl-delay: 3600\n", 0);
    FetchSettings settings =
        FetchSettings.defaults()
            .withRobots(true, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30));
    Fetcher f = fetcher(settings);
    assertEquals(
        Optional.of(Duration.ofSeconds(30)), f.crawlDelay(url("/"), Attempt.single(TEN_SECONDS)));
    // A huge crawl-delay is capped, not a reason to disallow the site.
    assertEquals(200, f.fetch(url("/a"), Attempt.single(TEN_SECONDS)).status());
  }

  @Test
  void noCrawlDelayIsEmpty() throws Exception {
    serve(200, DISALLOW_PRIVATE, 0);
    Fetcher f = fetcher(FetchSettings.defaults());
    assertEquals(Optional.empty(), f.crawlDelay(url("/"), Attempt.single(TEN_SECONDS)));
  }

  @Test
  void oversizedRobotsIsCutAndStillParsed() throws Exception {
    String big = DISALLOW_PRIVATE + "# " + "x".repeat(600 * 1024) + "\nDisallow: /late/\n";
    serve(200, big, 0);
    Fetcher f = fetcher(FetchSettings.defaults());
    StageException e =
        assertThrows(
            StageException.class, () -> f.fetch(url("/private/a"), Attempt.single(TEN_SECONDS)));
    assertEquals(FetchKind.ROBOTS_DENIED.label(), e.kind());
    // The rule past 500 KiB was never read.
    assertEquals(200, f.fetch(url("/late/a"), Attempt.single(TEN_SECONDS)).status());
  }
}
