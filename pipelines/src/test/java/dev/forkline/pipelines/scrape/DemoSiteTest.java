package dev.forkline.pipelines.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoSiteTest {
  @TempDir Path dir;
  private Path root;
  private DemoSite.Handle site;

  @BeforeEach
  void start() throws IOException {
    root = Files.createDirectories(dir.resolve("site"));
    Files.writeString(dir.resolve("secret.txt"), "TOP SECRET");
    Files.writeString(root.resolve("index.html"), "<h1>home</h1>");
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/index.html"), "<h1>docs</h1>");
    Files.writeString(root.resolve("docs/data.json"), "{}");
    site = DemoSite.start(root, 0, Duration.ZERO);
  }

  @AfterEach
  void stop() {
    site.close();
  }

  /** Sends a raw request line, so no client normalizes the path first. */
  private String get(String rawPath) throws IOException {
    return get(site, "127.0.0.1", rawPath);
  }

  private static String get(DemoSite.Handle site, String host, String rawPath) throws IOException {
    try (Socket s = new Socket(InetAddress.getByName(host), site.port())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET " + rawPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static int status(String response) {
    return Integer.parseInt(response.substring(9, 12));
  }

  @Test
  void serverSendsWithoutNaglesDelay() {
    // Else every keep-alive response after the first waits ~40 ms for a delayed ACK.
    assertEquals("true", System.getProperty("sun.net.httpserver.nodelay"));
  }

  @Test
  void servesFilesWithTheirContentType() throws IOException {
    String r = get("/docs/data.json");
    assertEquals(200, status(r));
    assertTrue(r.toLowerCase().contains("content-type: application/json"), r);
  }

  @Test
  void servesIndexHtmlForAFolder() throws IOException {
    String r = get("/docs/");
    assertEquals(200, status(r));
    assertTrue(r.contains("<h1>docs</h1>"), r);
    assertTrue(r.toLowerCase().contains("content-type: text/html"), r);
  }

  @Test
  void missingFileIs404() throws IOException {
    assertEquals(404, status(get("/nope.html")));
  }

  @Test
  void dotDotCannotLeaveTheFolder() throws IOException {
    String r = get("/../secret.txt");
    assertFalse(r.contains("TOP SECRET"), r);
    assertEquals(403, status(r));
  }

  @Test
  void encodedDotDotCannotLeaveTheFolder() throws IOException {
    for (String path :
        new String[] {
          "/%2e%2e/secret.txt", "/docs/%2E%2E/%2e%2e/secret.txt", "/docs/..%2f..%2fsecret.txt"
        }) {
      String r = get(path);
      assertFalse(r.contains("TOP SECRET"), path + ": " + r);
      assertEquals(403, status(r), path);
    }
  }

  @Test
  void statusPathAnswersThatStatus() throws IOException {
    assertEquals(418, status(get("/_status/418")));
  }

  @Test
  void countsRequestsPerPath() throws IOException {
    get("/index.html");
    get("/index.html");
    assertEquals(2, site.requests("/index.html"));
  }

  @Test
  void latencyDelaysEveryResponse() throws IOException {
    try (DemoSite.Handle slow = DemoSite.start(root, 0, Duration.ofMillis(300))) {
      long start = System.nanoTime();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), slow.port())) {
        s.getOutputStream()
            .write(
                "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        s.getInputStream().readAllBytes();
      }
      assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
    }
  }

  @Test
  void servesTheSiteOnEveryHostOnOnePort() throws IOException {
    try (DemoSite.Handle many = DemoSite.start(DemoSite.Options.of(root).withHosts(3))) {
      for (String host : List.of("127.0.0.1", "127.0.0.2", "127.0.0.3")) {
        String r = get(many, host, "/docs/");
        assertEquals(200, status(r), host);
        assertTrue(r.contains("<h1>docs</h1>"), host + ": " + r);
      }
      get(many, "127.0.0.3", "/");
      assertEquals(1, many.requestsOn("127.0.0.1"));
      assertEquals(2, many.requestsOn("127.0.0.3"));
      assertEquals("http://127.0.0.3:" + many.port() + "/x", many.url(3, "/x"));
    }
  }

  @Test
  void anAddressPastTheHostsIsNotServed() throws IOException {
    try (DemoSite.Handle many = DemoSite.start(DemoSite.Options.of(root).withHosts(2))) {
      assertThrows(ConnectException.class, () -> get(many, "127.0.0.3", "/"));
    }
  }

  @Test
  void aCrawlDelayHostServesItsOwnRobotsTxtAndTheOthersTheFolders() throws IOException {
    Files.writeString(root.resolve("robots.txt"), "User-agent: *\nDisallow: /private/\n");
    DemoSite.Options options =
        DemoSite.Options.of(root).withHosts(2).withCrawlDelay("127.0.0.2", Duration.ofSeconds(5));
    try (DemoSite.Handle many = DemoSite.start(options)) {
      String slow = get(many, "127.0.0.2", "/robots.txt");
      assertEquals(200, status(slow));
      assertTrue(slow.contains("Crawl-delay: 5\n"), slow);
      assertFalse(slow.contains("/private/"), slow);
      String fast = get(many, "127.0.0.1", "/robots.txt");
      assertTrue(fast.contains("Disallow: /private/"), fast);
      assertFalse(fast.contains("Crawl-delay"), fast);
    }
  }

  @Test
  void aFractionalCrawlDelayIsWrittenInSeconds() {
    assertEquals(
        "User-agent: *\nCrawl-delay: 0.25\nDisallow:\n",
        DemoSite.crawlDelayRobots(Duration.ofMillis(250)));
  }

  @Test
  void aCrawlDelayForAnAddressNotServedIsRefused() {
    DemoSite.Options options =
        DemoSite.Options.of(root).withHosts(2).withCrawlDelay("127.0.0.5", Duration.ofSeconds(1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DemoSite.start(options).close());
    assertTrue(e.getMessage().contains("127.0.0.5, which is not served"), e.getMessage());
  }

  @Test
  void hostsOutsideOneTo254AreRefused() {
    DemoSite.Options options = DemoSite.Options.of(root);
    assertThrows(IllegalArgumentException.class, () -> options.withHosts(0));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> options.withHosts(255));
    assertTrue(e.getMessage().contains("1 to 254"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> options.withCrawlDelay("10.0.0.1", Duration.ofSeconds(1)));
  }

  @Test
  void theAccessLogHasALinePerRequestWithHostPathAndStatus() throws IOException {
    Path log = dir.resolve("access.log");
    DemoSite.Options options = DemoSite.Options.of(root).withHosts(2).withAccessLog(log);
    double before = System.currentTimeMillis() / 1000.0;
    try (DemoSite.Handle many = DemoSite.start(options)) {
      get(many, "127.0.0.2", "/docs/data.json");
      get(many, "127.0.0.1", "/nope.html");
    }
    List<String> lines = Files.readAllLines(log);
    assertEquals(2, lines.size(), lines.toString());
    String[] first = lines.get(0).split(" ");
    assertEquals(List.of("127.0.0.2", "/docs/data.json", "200"), List.of(first).subList(1, 4));
    double at = Double.parseDouble(first[0]);
    assertTrue(at >= before - 0.01 && at <= before + 60, lines.get(0));
    assertTrue(lines.get(1).contains(" 127.0.0.1 /nope.html 404 "), lines.get(1));
  }
}
