package dev.forkline.pipelines.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UrlScrapeSettingsTest {
  @TempDir Path dir;

  private String error(String urlScrape) throws IOException {
    Files.writeString(dir.resolve("urls.txt"), "http://127.0.0.1/\n");
    Path file = dir.resolve("config.yaml");
    Files.writeString(
        file, "pipeline: url-scrape\ninput: urls.txt\noutput: out\nurl-scrape:\n" + urlScrape);
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of(), dir));
    return e.getMessage();
  }

  /** A body is one byte array: 2g passed the read and then failed the fetch with no location. */
  @Test
  void aMaxBodyOverOneGibIsALocatedErrorGivingTheRange() throws IOException {
    String message = error("  max-body: 2g\n");
    assertTrue(
        message.contains(
            ":5:13: url-scrape.max-body: '2g' is out of range; expected from 1k to 1g"),
        message);
  }

  @Test
  void aWarcMaxSizeBelowTheMinimumIsALocatedErrorGivingTheRange() throws IOException {
    String message = error("  warc: true\n  warc-max-size: 10k\n");
    assertTrue(
        message.contains(
            ":6:18: url-scrape.warc-max-size: '10k' is out of range; expected from 64k to 1t"),
        message);
  }

  @Test
  void aWarcMaxSizeThatIsNoSizeIsALocatedError() throws IOException {
    String message = error("  warc-max-size: big\n");
    assertTrue(message.contains(":5:18: url-scrape.warc-max-size: "), message);
    assertTrue(message.contains("a size"), message);
  }

  @Test
  void warcTakesOnlyABoolean() throws IOException {
    String message = error("  warc: yes please\n");
    assertTrue(message.contains(":5:9: url-scrape.warc: "), message);
  }

  @Test
  void aSitemapThatIsNoHttpUrlIsALocatedError() throws IOException {
    String message = error("  sitemaps: [ftp://example.com/sitemap.xml]\n");
    assertTrue(message.contains(":5:3: url-scrape.sitemaps: "), message);
    assertTrue(message.contains("is not an http:// or https:// URL"), message);
  }

  @Test
  void aSitemapDepthOutOfRangeIsALocatedError() throws IOException {
    String message = error("  sitemap-depth: 11\n");
    assertTrue(message.contains(":5:18: url-scrape.sitemap-depth: "), message);
  }
}
