package dev.forkline.pipelines.scrape;

import static dev.forkline.pipelines.TestFiles.rowsBy;
import static dev.forkline.pipelines.TestFiles.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.forkline.pipelines.TestFiles;
import dev.forkline.pipelines.config.ConfigLoader;
import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.run.ForklineRunner;
import dev.forkline.pipelines.run.RunOptions;
import dev.forkline.pipelines.run.RunResult;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The url-scrape pipeline end to end on the Direct runner, against servers on 127.0.0.1. */
class UrlScrapePipelineTest {
  @TempDir Path dir;
  private DemoSite.Handle site;

  @BeforeEach
  void startSite() throws Exception {
    Path root = dir.resolve("site");
    Files.createDirectories(root.resolve("private"));
    Files.writeString(root.resolve("robots.txt"), "User-agent: *\nDisallow: /private/\n");
    page(root.resolve("index.html"), "Home", "<a href=\"a.html\">a</a> <a href=\"b.html#x\">b</a>");
    page(root.resolve("a.html"), "Page A", "<img src=\"/one.png\"><img src=\"two.png\">");
    page(root.resolve("b.html"), "Page B", "");
    page(root.resolve("private/secret.html"), "Secret", "");
    Files.writeString(root.resolve("data.json"), "{\"a\": 1}");
    site = DemoSite.start(root, 0, Duration.ZERO);
  }

  @AfterEach
  void stopSite() {
    site.close();
  }

  private static void page(Path file, String title, String body) throws Exception {
    Files.writeString(
        file,
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>"
            + title
            + "</title><meta name=description content=\"about "
            + title
            + "\"></head><body><h1>"
            + title
            + " heading</h1>"
            + body
            + "</body></html>");
  }

  private ForklineConfig config(String list, String extra) throws Exception {
    Files.writeString(dir.resolve("urls.txt"), list);
    Path file =
        TestFiles.config(
            dir,
            "pipeline: url-scrape\ninput: urls.txt\noutput: out\n"
                + "url-scrape:\n  extract:\n    heading: {css: h1}\n"
                + "    images: {css: img, attr: src, all: true}\n"
                + extra);
    return ConfigLoader.load(file, List.of(), dir);
  }

  @Test
  void everyDistinctUrlBecomesOneRowWithItsPage() throws Exception {
    String base = site.url("");
    String list =
        "# a comment\n\n"
            + base
            + "/\n"
            + base
            + "/a.html\n"
            + base.toUpperCase().replace("HTTP://", "http://")
            + "/a.html#top\n"
            + base
            + "/b.html\n"
            + base
            + "/missing.html\n"
            + base
            + "/private/secret.html\n"
            + base
            + "/data.json\n"
            + "ftp://example.com/file\n"
            + "not a url\n";

    RunResult result = ForklineRunner.run(config(list, ""), RunOptions.quiet());

    Map<String, GenericRecord> rows = rowsBy(result.table(), "url");
    assertEquals(8, rows.size(), rows.keySet().toString());
    GenericRecord a = rows.get(base + "/a.html");
    assertEquals("ok", str(a, "status"));
    assertEquals(2, a.get("occurrences"));
    assertEquals("Page A", str(a, "title"));
    assertEquals("about Page A", str(a, "description"));
    assertEquals("en", str(a, "lang"));
    assertEquals("Page A heading", str(a, "heading"));
    assertEquals(
        List.of(base + "/one.png", base + "/two.png"),
        ((List<?>) a.get("images")).stream().map(Object::toString).toList());
    assertEquals(200, a.get("http_status"));
    assertTrue(str(a, "sha256").matches("[0-9a-f]{64}"));
    GenericRecord home = rows.get(base + "/");
    assertEquals(
        List.of(base + "/a.html", base + "/b.html"),
        ((List<?>) home.get("links")).stream().map(Object::toString).toList());
    assertEquals(false, home.get("links_truncated"));
    assertEquals("http-4xx", str(rows.get(base + "/missing.html"), "failure_kind"));
    assertEquals(404, rows.get(base + "/missing.html").get("http_status"));
    assertEquals("robots-denied", str(rows.get(base + "/private/secret.html"), "failure_kind"));
    assertEquals(0, site.requests("/private/secret.html"));
    GenericRecord json = rows.get(base + "/data.json");
    assertEquals("ok", str(json, "status"));
    assertNull(json.get("title"));
    assertEquals("invalid-url", str(rows.get("ftp://example.com/file"), "failure_kind"));
    assertEquals("invalid-url", str(rows.get("not a url"), "failure_kind"));
    assertEquals(1, site.requests("/robots.txt"));
    assertEquals(1, site.requests("/a.html"));
  }

  @Test
  void aCsvListIsReadByItsUrlColumn() throws Exception {
    String base = site.url("");
    Files.writeString(
        dir.resolve("urls.csv"),
        "id,url,note\n1," + base + "/a.html,\"first, quoted\"\n2,\"" + base + "/b.html\",x\n");
    Path file = TestFiles.config(dir, "pipeline: url-scrape\ninput: urls.csv\noutput: out\n");

    RunResult result =
        ForklineRunner.run(ConfigLoader.load(file, List.of(), dir), RunOptions.quiet());

    Map<String, GenericRecord> rows = rowsBy(result.table(), "url");
    assertEquals(java.util.Set.of(base + "/a.html", base + "/b.html"), rows.keySet());
    assertEquals("urls.csv:2", str(rows.get(base + "/a.html"), "source"));
    assertTrue(result.allOk());
  }

  @Test
  void aListLineThatCannotBeReadBecomesARowAndTheLinesAfterItAreScraped() throws Exception {
    String base = site.url("");
    Path list = dir.resolve("urls.csv");
    Files.writeString(
        list, "id,url\n1," + base + "/a.html\n2,\"" + base + "/b.html\n3," + base + "/\n");
    Path file = TestFiles.config(dir, "pipeline: url-scrape\ninput: urls.csv\noutput: out\n");

    RunResult result =
        ForklineRunner.run(ConfigLoader.load(file, List.of(), dir), RunOptions.quiet());

    Map<String, GenericRecord> rows = rowsBy(result.table(), "url");
    assertEquals(java.util.Set.of(base + "/a.html", list + ":3", base + "/"), rows.keySet());
    assertEquals("ok", str(rows.get(base + "/"), "status"));
    assertEquals("urls.csv:4", str(rows.get(base + "/"), "source"));
    GenericRecord bad = rows.get(list + ":3");
    assertEquals("failed", str(bad, "status"));
    assertEquals("list", str(bad, "failure_stage"));
    assertEquals("invalid-list-line", str(bad, "failure_kind"));
    assertTrue(str(bad, "failure_message").startsWith(list + ":3: "), str(bad, "failure_message"));
    assertEquals("urls.csv:3", str(bad, "source"));
    assertEquals(0, site.requests("/b.html"));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"single", "split"})
  void resumeFetchesOnlyWhatIsNotDone(String listing) throws Exception {
    String base = site.url("");
    ForklineConfig config =
        config(
            base + "/a.html\n" + base + "/b.html\n" + base + "/_status/500\n",
            "listing: " + listing + "\n");
    ForklineRunner.run(config, RunOptions.quiet());
    assertEquals(1, site.requests("/a.html"));

    Files.writeString(
        dir.resolve("urls.txt"),
        base + "/a.html\n" + base + "/b.html\n" + base + "/_status/500\n" + base + "/\n");
    RunResult second = ForklineRunner.run(config, RunOptions.quiet().withResume(true));

    Map<String, GenericRecord> rows = rowsBy(second.table(), "url");
    assertEquals(4, rows.size());
    assertEquals(2, second.carriedOver());
    assertEquals(1, site.requests("/a.html"));
    assertEquals(1, site.requests("/b.html"));
    assertEquals("ok", str(rows.get(base + "/"), "status"));
    assertEquals("failed", str(rows.get(base + "/_status/500"), "status"));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"single", "split"})
  void resumeDropsRowsOfUrlsNoLongerListed(String listing) throws Exception {
    String base = site.url("");
    ForklineConfig config =
        config(
            base + "/a.html\n" + base + "/b.html\n" + base + "/_status/500\n",
            "listing: " + listing + "\n");
    ForklineRunner.run(config, RunOptions.quiet());

    Files.writeString(dir.resolve("urls.txt"), base + "/b.html\n");
    RunResult second = ForklineRunner.run(config, RunOptions.quiet().withResume(true));

    assertEquals(java.util.Set.of(base + "/b.html"), rowsBy(second.table(), "url").keySet());
    assertEquals(1, second.carriedOver());
    assertEquals(2, second.metrics().get(dev.forkline.pipelines.exec.StageMetrics.RESUME_DROPPED));
    assertEquals(1, site.requests("/b.html"));
  }

  /**
   * Serves a small page on every path (404 for robots.txt) after {@code millis}, counting the
   * requests in flight into {@code running} and their most into {@code max}, and adding each page
   * request's start to {@code starts}.
   */
  private static void countingPages(
      HttpServer server, long millis, AtomicInteger running, AtomicInteger max, List<Long> starts) {
    server.createContext(
        "/",
        ex -> {
          boolean robots = ex.getRequestURI().getPath().equals("/robots.txt");
          if (!robots) {
            starts.add(System.nanoTime());
          }
          max.accumulateAndGet(running.incrementAndGet(), Math::max);
          try {
            Thread.sleep(millis);
            byte[] body = "<html><title>t</title></html>".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html");
            ex.sendResponseHeaders(robots ? 404 : 200, body.length);
            ex.getResponseBody().write(body);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            running.decrementAndGet();
            ex.close();
          }
        });
  }

  @Test
  void thePerHostLimitAndDelayHoldAtTheServer() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    List<Long> starts = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(16));
    countingPages(server, 60, running, max, starts);
    server.start();
    try {
      StringBuilder list = new StringBuilder();
      for (int i = 0; i < 12; i++) {
        list.append("http://127.0.0.1:")
            .append(server.getAddress().getPort())
            .append("/p")
            .append(i)
            .append('\n');
      }
      RunResult result =
          ForklineRunner.run(
              config(list.toString(), "  per-host: 2\n  delay: 40ms\n"), RunOptions.quiet());
      assertTrue(result.allOk());
    } finally {
      server.stop(0);
    }
    assertEquals(2, max.get(), "two requests at once, never more");
    List<Long> sorted = new ArrayList<>(starts);
    sorted.sort(Long::compare);
    long span = (sorted.get(sorted.size() - 1) - sorted.get(0)) / 1_000_000;
    assertTrue(span >= 11 * 40 - 30, "12 starts at least 40 ms apart, span " + span + " ms");
  }

  /** The most requests two servers on 127.0.0.1 saw at once, 6 pages each, per-host 1. */
  private int mostAtOnceOnTwoPortsOfOneAddress(String extra) throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    List<HttpServer> servers = new ArrayList<>();
    StringBuilder list = new StringBuilder();
    try {
      for (int s = 0; s < 2; s++) {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        countingPages(server, 100, running, max, new CopyOnWriteArrayList<>());
        server.start();
        servers.add(server);
        for (int i = 0; i < 6; i++) {
          list.append("http://127.0.0.1:")
              .append(server.getAddress().getPort())
              .append("/p")
              .append(i)
              .append('\n');
        }
      }
      RunResult result =
          ForklineRunner.run(
              config(list.toString(), "  per-host: 1\n" + extra), RunOptions.quiet());
      assertTrue(result.allOk());
      assertEquals(12, rowsBy(result.table(), "url").size());
    } finally {
      for (HttpServer server : servers) {
        server.stop(0);
      }
    }
    return max.get();
  }

  @Test
  void keyedByIpTwoHostsOfOneAddressShareTheirLimit() throws Exception {
    assertEquals(1, mostAtOnceOnTwoPortsOfOneAddress("  politeness-key: ip\n"));
  }

  @Test
  void keyedByHostTwoPortsOfOneAddressAreTwoHosts() throws Exception {
    assertEquals(2, mostAtOnceOnTwoPortsOfOneAddress(""));
  }

  @Test
  void retryableAnswersAreRetriedAndTheRowCountsTheAttempts() throws Exception {
    String base = site.url("");
    RunResult result =
        ForklineRunner.run(
            config(
                base + "/_status/503\n" + base + "/_retry-after\n",
                "stages:\n  fetch: {retries: 2}\n"),
            RunOptions.quiet());

    Map<String, GenericRecord> rows = rowsBy(result.table(), "url");
    GenericRecord exhausted = rows.get(base + "/_status/503");
    assertEquals("http-5xx", str(exhausted, "failure_kind"));
    assertEquals(3, exhausted.get("attempts"));
    assertEquals(503, exhausted.get("http_status"));
    assertEquals(3, site.requests("/_status/503"));
    GenericRecord recovered = rows.get(base + "/_retry-after");
    assertEquals("ok", str(recovered, "status"));
    assertEquals(2, recovered.get("attempts"));
  }

  @Test
  void aDeadHostsUrlsFailFastOnceItsBudgetIsSpent() throws Exception {
    // A closed port with robots.txt on: each URL used to wait for the robots.txt deferral and all
    // 300 failed as connect after their retries (92 s). Now robots.txt's connection failures count
    // against the host's budget of 10, and the URLs after that fail at once.
    int port;
    try (java.net.ServerSocket closed =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = closed.getLocalPort();
    }
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      list.append("http://127.0.0.1:").append(port).append("/p").append(i).append('\n');
    }
    RunResult result = ForklineRunner.run(config(list.toString(), ""), RunOptions.quiet());

    Map<String, Integer> kinds = new java.util.TreeMap<>();
    for (GenericRecord row : TestFiles.rows(result.table())) {
      kinds.merge(str(row, "failure_kind"), 1, Integer::sum);
    }
    assertEquals(300, kinds.values().stream().mapToInt(Integer::intValue).sum(), kinds.toString());
    assertTrue(kinds.getOrDefault("host-unavailable", 0) >= 200, "fail fast: " + kinds);
    assertTrue(
        kinds.getOrDefault("connect", 0) >= 1, "the first failures keep their kind: " + kinds);
    assertEquals(Set.of("connect", "host-unavailable"), kinds.keySet());
  }

  @Test
  void robotsCrawlDelaySpacesTheRequestsToAHost() throws Exception {
    Path root = dir.resolve("polite");
    Files.createDirectories(root);
    Files.writeString(root.resolve("robots.txt"), "User-agent: forkline\nCrawl-delay: 1\n");
    for (int i = 0; i < 3; i++) {
      page(root.resolve("p" + i + ".html"), "P" + i, "");
    }
    try (DemoSite.Handle polite = DemoSite.start(root, 0, Duration.ZERO)) {
      String list = polite.url("/p0.html\n") + polite.url("/p1.html\n") + polite.url("/p2.html\n");
      RunResult result = ForklineRunner.run(config(list, "  per-host: 3\n"), RunOptions.quiet());
      assertTrue(result.allOk());
      List<java.time.Instant> times = new ArrayList<>();
      for (GenericRecord row : TestFiles.rows(result.table())) {
        times.add(java.time.Instant.parse(str(row, "fetched_at")));
      }
      times.sort(null);
      Duration span = Duration.between(times.get(0), times.get(2));
      assertTrue(span.toMillis() >= 1800, "3 requests 1 s apart span 2 s, saw " + span);
    }
  }

  @Test
  void aPageWithMoreLinksThanTheCapSaysSo() throws Exception {
    StringBuilder links = new StringBuilder();
    for (int i = 0; i < 10_050; i++) {
      links.append("<a href=\"/l/").append(i).append("\">").append(i).append("</a>");
    }
    page(dir.resolve("site/many.html"), "Many", links.toString());
    String url = site.url("/many.html");

    RunResult result = ForklineRunner.run(config(url + "\n", ""), RunOptions.quiet());

    GenericRecord row = rowsBy(result.table(), "url").get(url);
    assertEquals(10_000, row.get("link_count"));
    assertEquals(true, row.get("links_truncated"));
  }
}
