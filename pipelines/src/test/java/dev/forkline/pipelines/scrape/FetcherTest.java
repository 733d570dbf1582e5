package dev.forkline.pipelines.scrape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.exec.Attempt;
import dev.forkline.pipelines.exec.RetryableException;
import dev.forkline.pipelines.exec.StageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FetcherTest {
  private static final String PAGE = "<html><body><h1>Hello</h1></body></html>";
  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

  @TempDir static Path root;
  private static DemoSite.Handle site;

  @BeforeAll
  static void startSite() throws IOException {
    Files.writeString(root.resolve("page.html"), PAGE);
    site = DemoSite.start(root, 0, Duration.ZERO);
  }

  @AfterAll
  static void stopSite() {
    site.close();
  }

  /** A fetcher with its own host health and robots cache, so tests do not share counts. */
  private static Fetcher fetcher(FetchSettings settings) {
    return new Fetcher(settings, new HostHealth());
  }

  private static Fetcher fetcher() {
    return fetcher(FetchSettings.defaults());
  }

  private static StageException fails(Fetcher f, String url) {
    return assertThrows(StageException.class, () -> f.fetch(url, Attempt.single(TEN_SECONDS)));
  }

  private static String redirectTo(String target) {
    return site.url("/_redirect/to?url=" + URLEncoder.encode(target, StandardCharsets.UTF_8));
  }

  @Test
  void fetchesAPage() throws Exception {
    long before = System.nanoTime();
    FetchResult r = fetcher().fetch(site.url("/page.html"), Attempt.single(TEN_SECONDS));
    long callMillis = Duration.ofNanos(System.nanoTime() - before).toMillis();
    assertEquals(200, r.status());
    assertEquals("text/html", r.contentType());
    assertNull(r.charset(), "the demo site sends HTML without a charset: pages declare their own");
    assertArrayEquals(PAGE.getBytes(StandardCharsets.UTF_8), r.body());
    assertEquals(PAGE.length(), r.bytes());
    assertFalse(r.truncated());
    assertEquals(0, r.redirects());
    assertEquals(r.requestedUrl(), r.finalUrl());
    assertTrue(
        r.fetchMillis() <= callMillis, r.fetchMillis() + " ms within a call of " + callMillis);
    assertFalse(r.fetchedAt().isAfter(Instant.now()));
  }

  @Test
  void followsARedirectAndRecordsTheFinalUrl() throws Exception {
    String start = redirectTo("/page.html");
    FetchResult r = fetcher().fetch(start, Attempt.single(TEN_SECONDS));
    assertEquals(UrlNormalizer.normalize(start), r.requestedUrl());
    assertEquals(site.url("/page.html"), r.finalUrl());
    assertEquals(1, r.redirects());
    assertArrayEquals(PAGE.getBytes(StandardCharsets.UTF_8), r.body());
  }

  @Test
  void redirectLoopFails() {
    StageException e = fails(fetcher(), site.url("/_redirect/loop"));
    assertEquals(FetchKind.REDIRECT.label(), e.kind());
    assertTrue(e.getMessage().contains("loop"), e.getMessage());
  }

  @Test
  void redirectToFtpFails() {
    StageException e = fails(fetcher(), redirectTo("ftp://127.0.0.1/file.txt"));
    assertEquals(FetchKind.REDIRECT.label(), e.kind());
    assertTrue(e.getMessage().contains("http and https"), e.getMessage());
  }

  @Test
  void tooManyRedirectsFail() throws Exception {
    Fetcher f = fetcher(FetchSettings.defaults().withMaxRedirects(3));
    assertEquals(
        3, f.fetch(site.url("/_redirect/chain/3"), Attempt.single(TEN_SECONDS)).redirects());
    StageException e = fails(f, site.url("/_redirect/chain/4"));
    assertEquals(FetchKind.REDIRECT.label(), e.kind());
  }

  @Test
  void tricklingServerTimesOutWithinTheDeadline() throws Exception {
    Duration deadline = Duration.ofMillis(1500);
    // A byte every 100 ms for ten minutes: no read waits long, so only the deadline ends it.
    StageException e =
        assertThrows(
            StageException.class,
            () -> fetcher().fetch(site.url("/_slow?ms=100"), Attempt.single(deadline)));
    assertEquals(FetchKind.TIMEOUT.label(), e.kind());
    assertInstanceOf(RetryableException.class, e);
    // The connection was really closed: the server's next writes fail.
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (site.slowAborted() == 0 && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    assertTrue(site.slowAborted() > 0, "the server still trickles to a closed fetch");
  }

  @Test
  void anInterruptEndsABlockedBodyRead() throws Exception {
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                fetcher().fetch(site.url("/_slow?ms=5000"), Attempt.single(Duration.ofMinutes(1)));
              } catch (Throwable e) {
                thrown.set(e);
              }
            });
    t.start();
    Thread.sleep(500); // headers arrived; the read waits for the next byte
    long start = System.nanoTime();
    t.interrupt();
    t.join(5000);
    assertFalse(t.isAlive(), "the fetch ignored its interrupt");
    assertInstanceOf(InterruptedException.class, thrown.get());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos());
  }

  @Test
  void maxFetchTimeCapsTheAttempt() {
    Fetcher f = fetcher(FetchSettings.defaults().withMaxFetchTime(Duration.ofMillis(500)));
    long start = System.nanoTime();
    StageException e = fails(f, site.url("/_slow?ms=100"));
    assertEquals(FetchKind.TIMEOUT.label(), e.kind());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(4).toNanos());
  }

  @Test
  void hugeBodyIsTruncatedWhenConfigured() throws Exception {
    Fetcher f = fetcher(FetchSettings.defaults().withMaxBody(1 << 20, true));
    FetchResult r = f.fetch(site.url("/_big"), Attempt.single(TEN_SECONDS));
    assertTrue(r.truncated());
    assertEquals(1 << 20, r.bytes());
    assertEquals(1 << 20, r.body().length);
  }

  @Test
  void hugeBodyFailsWhenConfigured() {
    Fetcher f = fetcher(FetchSettings.defaults().withMaxBody(1 << 20, false));
    StageException e = fails(f, site.url("/_big"));
    assertEquals(FetchKind.TOO_LARGE.label(), e.kind());
  }

  @Test
  void gzipBombIsCappedOnTheDecodedSize() throws Exception {
    Fetcher f = fetcher(FetchSettings.defaults().withMaxBody(2 << 20, true));
    FetchResult r = f.fetch(site.url("/_gzip-bomb"), Attempt.single(TEN_SECONDS));
    assertTrue(r.truncated());
    assertEquals(2 << 20, r.bytes());
  }

  @Test
  void gzipBombFailsTooLargeWhenConfigured() {
    Fetcher f = fetcher(FetchSettings.defaults().withMaxBody(2 << 20, false));
    StageException e = fails(f, site.url("/_gzip-bomb"));
    assertEquals(FetchKind.TOO_LARGE.label(), e.kind());
  }

  @Test
  void notFoundIsHttp4xxAndNotRetried() {
    StageException e = fails(fetcher(), site.url("/missing.html"));
    assertEquals(FetchKind.HTTP_4XX.label(), e.kind());
    assertFalse(e instanceof RetryableException);
  }

  @Test
  void serviceUnavailableIsRetryable() {
    StageException e = fails(fetcher(), site.url("/_status/503"));
    assertEquals(FetchKind.HTTP_5XX.label(), e.kind());
    assertInstanceOf(RetryableException.class, e);
  }

  @Test
  void otherServerErrorsAreNotRetried() {
    StageException e = fails(fetcher(), site.url("/_status/501"));
    assertEquals(FetchKind.HTTP_5XX.label(), e.kind());
    assertFalse(e instanceof RetryableException);
  }

  @Test
  void tooManyRequestsCarriesRetryAfter() {
    StageException e = fails(fetcher(), site.url("/_status/429?retry-after=7"));
    assertEquals(FetchKind.HTTP_4XX.label(), e.kind());
    RetryableException r = assertInstanceOf(RetryableException.class, e);
    assertEquals(Duration.ofSeconds(7), r.retryAfter());
  }

  @Test
  void retryAfterIsCapped() {
    Fetcher f = fetcher(FetchSettings.defaults().withMaxRetryAfter(Duration.ofSeconds(30)));
    RetryableException r =
        assertInstanceOf(
            RetryableException.class, fails(f, site.url("/_status/429?retry-after=86400")));
    assertEquals(Duration.ofSeconds(30), r.retryAfter());
  }

  @Test
  void retryAfterThenSuccess() throws Exception {
    Fetcher f = fetcher();
    RetryableException r =
        assertInstanceOf(RetryableException.class, fails(f, site.url("/_retry-after?t=1")));
    assertEquals(FetchKind.HTTP_5XX.label(), r.kind());
    assertEquals(Duration.ofSeconds(1), r.retryAfter());
    assertEquals(200, f.fetch(site.url("/_retry-after?t=1"), Attempt.single(TEN_SECONDS)).status());
  }

  @Test
  void retryAfterHttpDateIsParsed() {
    Instant now = Instant.parse("2025-01-01T00:00:00Z");
    assertEquals(
        Duration.ofSeconds(90),
        Fetcher.parseRetryAfter("Wed, 01 Jan 2025 00:01:30 GMT", Duration.ofMinutes(10), now));
    assertEquals(
        Duration.ZERO,
        Fetcher.parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", Duration.ofMinutes(10), now));
    assertNull(Fetcher.parseRetryAfter("soon", Duration.ofMinutes(10), now));
  }

  @Test
  void connectionRefusedIsConnect() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    StageException e = fails(fetcher(), "http://127.0.0.1:" + port + "/");
    assertEquals(FetchKind.CONNECT.label(), e.kind());
    assertInstanceOf(RetryableException.class, e);
  }

  @Test
  void aConnectionResetMidBodyIsARetryableConnectFailure() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread peer =
          new Thread(
              () -> {
                // robots.txt, then the page: each gets headers and half a body, then a reset.
                for (int i = 0; i < 2; i++) {
                  try (java.net.Socket s = server.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    boolean robots = i == 0;
                    String head =
                        robots
                            ? "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                            : "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                + "Content-Length: 100000\r\n\r\n<html><body>";
                    s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    if (!robots) {
                      Thread.sleep(100);
                      s.setSoLinger(true, 0); // close with RST
                    }
                  } catch (Exception e) {
                    return;
                  }
                }
              });
      peer.setDaemon(true);
      peer.start();
      StageException e =
          fails(fetcher(), "http://127.0.0.1:" + server.getLocalPort() + "/page.html");
      assertEquals(FetchKind.CONNECT.label(), e.kind(), e.getMessage());
      assertInstanceOf(RetryableException.class, e);
    }
  }

  @Test
  void settingsRefuseAUserAgentThatCouldSplitTheRequestHeaders() {
    assertThrows(
        IllegalArgumentException.class,
        () -> FetchSettings.defaults().withUserAgent("bot\r\nX-Evil: 1"));
  }

  @Test
  void invalidUrlFailsWithoutARequest() {
    StageException e = fails(fetcher(), "file:///etc/passwd");
    assertEquals(FetchKind.INVALID_URL.label(), e.kind());
  }

  @Test
  void hostErrorBudgetTripsAndSkipsTheHost() {
    Fetcher f = fetcher(FetchSettings.defaults().withHostFailureLimit(3));
    String url = site.url("/_status/500");
    for (int i = 0; i < 3; i++) {
      assertEquals(FetchKind.HTTP_5XX.label(), fails(f, url).kind());
    }
    int before = site.requests("/_status/500");
    StageException e = fails(f, site.url("/page.html"));
    assertEquals(FetchKind.HOST_UNAVAILABLE.label(), e.kind());
    assertEquals(before, site.requests("/_status/500"));
  }

  @Test
  void aSuccessResetsTheHostErrorBudget() throws Exception {
    Fetcher f = fetcher(FetchSettings.defaults().withHostFailureLimit(3));
    for (int round = 0; round < 2; round++) {
      fails(f, site.url("/_status/502"));
      fails(f, site.url("/_status/502"));
      f.fetch(site.url("/page.html"), Attempt.single(TEN_SECONDS));
    }
    fails(f, site.url("/_status/502"));
    assertEquals(FetchKind.HTTP_5XX.label(), fails(f, site.url("/_status/502")).kind());
  }

  @Test
  void contentTypeWithoutCharset() throws Exception {
    Files.write(root.resolve("blob.bin"), new byte[] {1, 2, 3});
    FetchResult r = fetcher().fetch(site.url("/blob.bin"), Attempt.single(TEN_SECONDS));
    assertEquals("application/octet-stream", r.contentType());
    assertNull(r.charset());
  }

  @Test
  void fetcherSurvivesSerialization() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new Fetcher(FetchSettings.defaults()));
    }
    Fetcher copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (Fetcher) in.readObject();
    }
    assertEquals(200, copy.fetch(site.url("/page.html"), Attempt.single(TEN_SECONDS)).status());
  }

  @Test
  void aRunsFetcherKnowsNothingOfTheHostsAnEarlierRunGaveUp() throws Exception {
    FetchSettings settings = FetchSettings.defaults().withHostFailureLimit(2);
    String dead = "http://127.0.0.1:1/page.html";
    Fetcher first = new Fetcher(settings);
    first.setup();
    for (int i = 0; i < 2; i++) {
      assertEquals(FetchKind.CONNECT.label(), fails(first, dead).kind());
    }
    assertEquals(
        FetchKind.HOST_UNAVAILABLE.label(), fails(first, dead).kind(), "given up in its run");
    first.teardown();
    Fetcher next = new Fetcher(settings);
    next.setup();
    assertEquals(
        FetchKind.CONNECT.label(), fails(next, dead).kind(), "tried again in the next run");
    next.teardown();
  }

  @Test
  void aFetchAfterTeardownFailsInsteadOfOpeningAClientNobodyCloses() throws Exception {
    Fetcher fetcher = new Fetcher(FetchSettings.defaults());
    fetcher.setup();
    assertEquals(200, fetcher.fetch(site.url("/page.html"), Attempt.single(TEN_SECONDS)).status());
    fetcher.teardown();
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalStateException.class,
        () -> fetcher.fetch(site.url("/page.html"), Attempt.single(TEN_SECONDS)));
    fetcher.setup();
    assertEquals(200, fetcher.fetch(site.url("/page.html"), Attempt.single(TEN_SECONDS)).status());
    fetcher.teardown();
  }

  /**
   * A server on {@code address} that answers each request with {@code answer(path)} (raw bytes) and
   * closes the connection; closed with the returned socket.
   */
  private static ServerSocket rawServer(String address, Function<String, byte[]> answer)
      throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName(address), 0), 50);
    Thread t =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                  ByteArrayOutputStream head = new ByteArrayOutputStream();
                  for (int b; (b = s.getInputStream().read()) >= 0; ) {
                    head.write(b);
                    if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                      break;
                    }
                  }
                  String path = head.toString(StandardCharsets.ISO_8859_1).split(" ", 3)[1];
                  s.getOutputStream().write(answer.apply(path));
                  s.getOutputStream().flush();
                } catch (IOException | RuntimeException e) {
                  // the next connection
                }
              }
            });
    t.setDaemon(true);
    t.start();
    return server;
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(bytes);
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[] head, byte[] body) {
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  private static FetchSettings noRobots() {
    FetchSettings d = FetchSettings.defaults();
    return d.withRobots(false, d.robotsTimeout(), d.robotsRetryAfter(), d.maxCrawlDelay());
  }

  @Test
  void tenThousandEmptyGzipMembersDecodeWithoutOverflowingTheStack() throws Exception {
    byte[] member = gzip(new byte[0]);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int i = 0; i < 10_000; i++) {
      body.write(member);
    }
    body.write(gzip("after them".getBytes(StandardCharsets.US_ASCII)));
    byte[] bytes = body.toByteArray();
    byte[] head =
        ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n"
                + "Content-Length: "
                + bytes.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    try (ServerSocket server = rawServer("127.0.0.1", path -> concat(head, bytes))) {
      FetchResult r =
          fetcher(noRobots())
              .fetch(
                  "http://127.0.0.1:" + server.getLocalPort() + "/members",
                  Attempt.single(TEN_SECONDS));
      assertEquals("after them", new String(r.body(), StandardCharsets.US_ASCII));
    }
  }

  @Test
  void aTransferCodingOtherThanChunkedIsABadResponseNotCompressedBytes() throws Exception {
    byte[] coded = gzip(PAGE.getBytes(StandardCharsets.US_ASCII));
    byte[] head =
        ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                + Integer.toHexString(coded.length)
                + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] tail = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    try (ServerSocket server = rawServer("127.0.0.1", path -> concat(concat(head, coded), tail))) {
      StageException e =
          fails(fetcher(noRobots()), "http://127.0.0.1:" + server.getLocalPort() + "/te");
      assertEquals(FetchKind.BAD_RESPONSE.label(), e.kind(), e.getMessage());
      assertTrue(e.getMessage().contains("Transfer-Encoding"), e.getMessage());
    }
  }

  /** A client whose resolver answers {@code name} with {@code address}; 127.0.0.2 counts public. */
  private static FetchHttp resolving(String name, String address) {
    return new FetchHttp(
        Duration.ofSeconds(5),
        host ->
            host.equals(name)
                ? List.of(InetAddress.getByName(address))
                : List.of(InetAddress.getAllByName(host)),
        null,
        java.util.Map.of(),
        a -> !a.getHostAddress().equals("127.0.0.2") && AddressGuard.isBlocked(a));
  }

  @Test
  void aPublicNameThatResolvesToAPrivateAddressIsBlockedRobotsTxtIncluded() {
    String url = "http://evil.test:" + site.port() + "/page.html";
    Fetcher f =
        new Fetcher(
            FetchSettings.defaults(), new HostHealth(), resolving("evil.test", "127.0.0.1"));
    StageException e = fails(f, url);
    assertEquals(FetchKind.BLOCKED_ADDRESS.label(), e.kind(), e.getMessage());
    assertFalse(e instanceof RetryableException);
    assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
  }

  @Test
  void allowPrivateAddressesLetsAPublicNameReachAPrivateAddress() throws Exception {
    String url = "http://evil.test:" + site.port() + "/page.html";
    Fetcher f =
        new Fetcher(
            FetchSettings.defaults().withAllowPrivateAddresses(true),
            new HostHealth(),
            resolving("evil.test", "127.0.0.1"));
    assertEquals(200, f.fetch(url, Attempt.single(TEN_SECONDS)).status());
  }

  @Test
  void aRedirectFromAPublicHostToAPrivateAddressIsBlocked() throws Exception {
    String target = site.url("/page.html");
    byte[] redirect =
        ("HTTP/1.1 302 Found\r\nLocation: " + target + "\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] notFound =
        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    try (ServerSocket pub =
        rawServer("127.0.0.2", path -> path.equals("/robots.txt") ? notFound : redirect)) {
      Fetcher f =
          new Fetcher(
              FetchSettings.defaults(), new HostHealth(), resolving("public.test", "127.0.0.2"));
      StageException e = fails(f, "http://public.test:" + pub.getLocalPort() + "/go");
      assertEquals(FetchKind.BLOCKED_ADDRESS.label(), e.kind(), e.getMessage());
      assertTrue(e.getMessage().contains(target), e.getMessage());
    }
  }
}
