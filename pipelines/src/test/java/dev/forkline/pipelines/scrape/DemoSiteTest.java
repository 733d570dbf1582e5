package dev.forkline.pipelines.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), site.port())) {
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
}
