package dev.forkline.pipelines.scrape;

import static dev.forkline.pipelines.TestFiles.rowsBy;
import static dev.forkline.pipelines.TestFiles.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.TestFiles;
import dev.forkline.pipelines.config.ConfigLoader;
import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.exec.StageMetrics;
import dev.forkline.pipelines.run.ForklineRunner;
import dev.forkline.pipelines.run.ParityRuns;
import dev.forkline.pipelines.run.RunOptions;
import dev.forkline.pipelines.run.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** URLs from sitemaps: nested indexes, gzip, robots.txt, broken and oversized sitemaps, lastmod. */
class SitemapTest {
  @TempDir Path dir;
  private DemoSite.Handle site;
  private Path root;

  @BeforeEach
  void startSite() throws Exception {
    root = dir.resolve("site");
    for (String page : List.of("index.html", "a.html", "b.html", "c.html")) {
      Files.createDirectories(root.resolve("sitemaps"));
      Files.writeString(
          root.resolve(page), "<!doctype html><title>" + page + "</title><h1>" + page + "</h1>");
    }
    Files.writeString(root.resolve("robots.txt"), "User-agent: *\nSitemap: {{origin}}/index.xml\n");
    // index.xml names a gzipped sitemap (served from sitemaps/pages.xml) and a plain one.
    Files.writeString(
        root.resolve("index.xml"),
        "<?xml version=\"1.0\"?><sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
            + "<sitemap><loc>{{origin}}/sitemaps/pages.xml.gz</loc></sitemap>"
            + "<sitemap><loc>{{origin}}/sitemaps/more.xml</loc></sitemap></sitemapindex>");
    urlset("sitemaps/pages.xml", "a.html|2024-11-01", "b.html|2024-11-02T10:00:00Z");
    urlset("sitemaps/more.xml", "c.html", "index.html|2024-10-01");
    site = DemoSite.start(root, 0, Duration.ZERO);
  }

  @AfterEach
  void stopSite() {
    site.close();
  }

  private void urlset(String file, String... pages) throws Exception {
    StringBuilder xml =
        new StringBuilder(
            "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
    for (String page : pages) {
      String[] p = page.split("\\|");
      xml.append("<url><loc>{{origin}}/").append(p[0]).append("</loc>");
      if (p.length > 1) {
        xml.append("<lastmod>").append(p[1]).append("</lastmod>");
      }
      xml.append("</url>");
    }
    Files.writeString(root.resolve(file), xml.append("</urlset>"));
  }

  private ForklineConfig config(String list, String scrape) throws Exception {
    Files.writeString(dir.resolve("urls.txt"), list);
    Path file =
        TestFiles.config(
            dir,
            "pipeline: url-scrape\ninput: urls.txt\noutput: out\n"
                + "url-scrape:\n  allow-private-addresses: true\n"
                + scrape);
    return ConfigLoader.load(file, List.of(), dir);
  }

  @ParameterizedTest
  @ValueSource(strings = {"single", "split"})
  void aNestedIndexWithAGzippedSitemapMakesARowPerUrl(String listing) throws Exception {
    RunResult result =
        ForklineRunner.run(
            config(
                site.url("/index.html") + "\n",
                "  sitemaps: [" + site.url("/index.xml") + "]\nlisting: " + listing + "\n"),
            RunOptions.quiet());

    Map<String, GenericRecord> rows = rowsBy(result.table(), "url");
    assertEquals(
        java.util.Set.of(
            site.url("/index.html"), site.url("/a.html"), site.url("/b.html"), site.url("/c.html")),
        rows.keySet());
    rows.values().forEach(r -> assertEquals("ok", str(r, "status"), str(r, "url")));
    GenericRecord a = rows.get(site.url("/a.html"));
    assertEquals(site.url("/sitemaps/pages.xml.gz"), str(a, "source"));
    assertEquals("2024-11-01T00:00:00Z", str(a, "lastmod"));
    assertEquals("2024-11-02T10:00:00Z", str(rows.get(site.url("/b.html")), "lastmod"));
    assertNull(rows.get(site.url("/c.html")).get("lastmod"));
    GenericRecord index = rows.get(site.url("/index.html"));
    assertEquals("urls.txt:1", str(index, "source"), "the list names it first");
    assertEquals(2, index.get("occurrences"));
    assertEquals("2024-10-01T00:00:00Z", str(index, "lastmod"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"single", "split"})
  void sitemapTrueTakesTheSitemapsOfTheListedHostsRobotsTxt(String listing) throws Exception {
    RunResult result =
        ForklineRunner.run(
            config(site.url("/index.html") + "\n", "  sitemap: true\nlisting: " + listing + "\n"),
            RunOptions.quiet());

    Map<String, GenericRecord> rows = rowsBy(result.table(), "url");
    assertEquals(4, rows.size(), rows.keySet().toString());
    assertEquals(site.url("/sitemaps/more.xml"), str(rows.get(site.url("/c.html")), "source"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"single", "split"})
  void aBrokenOrMissingSitemapIsAFailedRowOfItsOwn(String listing) throws Exception {
    Files.writeString(root.resolve("sitemaps/more.xml"), "<urlset><url><loc>broken");
    Files.writeString(
        root.resolve("index.xml"),
        Files.readString(root.resolve("index.xml"))
            .replace(
                "</sitemapindex>",
                "<sitemap><loc>{{origin}}/sitemaps/gone.xml</loc></sitemap></sitemapindex>"));

    RunResult result =
        ForklineRunner.run(
            config("", "  sitemaps: [" + site.url("/index.xml") + "]\nlisting: " + listing + "\n"),
            RunOptions.quiet());

    Map<String, GenericRecord> rows = rowsBy(result.table(), "url");
    assertEquals("ok", str(rows.get(site.url("/a.html")), "status"));
    GenericRecord broken = rows.get(site.url("/sitemaps/more.xml"));
    assertEquals("sitemap", str(broken, "failure_kind"));
    assertTrue(
        str(broken, "failure_message").contains("cannot be read"), str(broken, "failure_message"));
    assertEquals(site.url("/index.xml"), str(broken, "source"));
    GenericRecord gone = rows.get(site.url("/sitemaps/gone.xml"));
    assertEquals("sitemap", str(gone, "failure_kind"));
    assertTrue(str(gone, "failure_message").contains("http-4xx"), str(gone, "failure_message"));
    assertEquals(4, rows.size(), rows.keySet().toString());
  }

  @Test
  void anOversizedSitemapFailsAndTheCapsHold() throws Exception {
    String[] many = new String[200];
    for (int i = 0; i < many.length; i++) {
      many[i] = "page-" + i + ".html";
    }
    urlset("sitemaps/pages.xml", many);

    Map<String, GenericRecord> small =
        rowsBy(
            ForklineRunner.run(
                    config(
                        "",
                        "  sitemaps: ["
                            + site.url("/index.xml")
                            + "]\n  sitemap-max-size: 2k\n  robots: false\n"),
                    RunOptions.quiet())
                .table(),
            "url");
    GenericRecord big = small.get(site.url("/sitemaps/pages.xml.gz"));
    assertTrue(
        str(big, "failure_message").contains("sitemap-max-size"), str(big, "failure_message"));

    Map<String, GenericRecord> capped =
        rowsBy(
            ForklineRunner.run(
                    config(
                        "",
                        "  sitemaps: ["
                            + site.url("/index.xml")
                            + "]\n  sitemap-max-urls: 50\n  robots: false\n"),
                    RunOptions.quiet())
                .table(),
            "url");
    assertEquals(51, capped.size(), "50 URLs and the row saying the cap was reached");
    GenericRecord cap = capped.get(site.url("/sitemaps/pages.xml.gz"));
    assertTrue(
        str(cap, "failure_message").contains("sitemap-max-urls"), str(cap, "failure_message"));

    Map<String, GenericRecord> shallow =
        rowsBy(
            ForklineRunner.run(
                    config(
                        "", "  sitemaps: [" + site.url("/index.xml") + "]\n  sitemap-depth: 0\n"),
                    RunOptions.quiet())
                .table(),
            "url");
    assertEquals(2, shallow.size(), shallow.keySet().toString());
    assertTrue(
        str(shallow.get(site.url("/sitemaps/more.xml")), "failure_message")
            .contains("sitemap-depth"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"single", "split"})
  void resumeFetchesAgainAUrlWhoseLastmodIsNewerThanItsRow(String listing) throws Exception {
    ForklineConfig config =
        config("", "  sitemaps: [" + site.url("/index.xml") + "]\nlisting: " + listing + "\n");
    ForklineRunner.run(config, RunOptions.quiet());
    assertEquals(1, site.requests("/a.html"));

    urlset("sitemaps/pages.xml", "a.html|2099-01-01", "b.html|2024-11-02T10:00:00Z");
    RunResult second = ForklineRunner.run(config, RunOptions.quiet().withResume(true));

    assertEquals(2, site.requests("/a.html"), "a newer lastmod: fetched again");
    assertEquals(1, site.requests("/b.html"), "an older lastmod: kept");
    assertEquals(1, site.requests("/c.html"), "no lastmod: kept");
    assertEquals(3, second.metrics().get(StageMetrics.RESUME_SKIPPED));
    assertEquals(
        "2099-01-01T00:00:00Z",
        str(rowsBy(second.table(), "url").get(site.url("/a.html")), "lastmod"));
  }

  @Test
  void anIndexThatNamesItselfIsReadOnce() throws Exception {
    Files.writeString(
        root.resolve("index.xml"),
        Files.readString(root.resolve("index.xml"))
            .replace(
                "</sitemapindex>",
                "<sitemap><loc>{{origin}}/index.xml</loc></sitemap>"
                    + "<sitemap><loc>{{origin}}/sitemaps/more.xml</loc></sitemap></sitemapindex>"));

    RunResult result =
        ForklineRunner.run(
            config("", "  sitemaps: [" + site.url("/index.xml") + "]\n  sitemap-depth: 10\n"),
            RunOptions.quiet());

    assertEquals(4, rowsBy(result.table(), "url").size());
    assertEquals(1, site.requests("/index.xml"));
    assertEquals(1, site.requests("/sitemaps/more.xml"));
  }

  @Test
  void aSitemapNamedOnAPublicHostLeadsToNoPrivateAddress() throws Exception {
    FetchSettings fetch =
        FetchSettings.from(dev.forkline.pipelines.config.UrlScrapeSettings.defaults());
    List<UrlTask> tasks = new java.util.ArrayList<>();
    try (SitemapReader reader =
        new SitemapReader(
            fetch, dev.forkline.pipelines.config.SitemapSettings.none(), Duration.ofSeconds(5))) {
      reader.read(
          site.url("/index.xml"),
          0,
          "robots",
          "http://example.com/robots.txt",
          (t, o) -> tasks.add(t));
    }
    assertEquals(1, tasks.size(), "the sitemap itself, refused");
    assertEquals("blocked-address", tasks.get(0).failure.kind());
    assertEquals(0, site.requests("/index.xml"));

    tasks.clear();
    try (SitemapReader reader =
        new SitemapReader(
            fetch, dev.forkline.pipelines.config.SitemapSettings.none(), Duration.ofSeconds(5))) {
      reader.read(site.url("/index.xml"), 0, "url-scrape.sitemaps", (t, o) -> tasks.add(t));
    }
    assertEquals(4, tasks.size(), "a sitemap the config names on a private address may list them");
    tasks.forEach(t -> assertNull(t.failure, t.key));
  }

  @Test
  void aSplitListingOfSitemapsMakesTheRowsOfASingleOne() throws Exception {
    Map<String, IntFunction<String>> lists = new java.util.LinkedHashMap<>();
    lists.put("a.txt", port -> "http://127.0.0.1:" + port + "/about.html\n");
    new ParityRuns(Files.createDirectories(dir.resolve("parity")), "direct")
        .withOtherSets("listing=split")
        .scrapeLists(lists, List.of("url-scrape.sitemap=true", "url-scrape.delay=0s"), null);
  }
}
