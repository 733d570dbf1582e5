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
}
