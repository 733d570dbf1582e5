package dev.forkline.pipelines.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forkline.pipelines.TestFiles;
import dev.forkline.pipelines.config.ConfigLoader;
import dev.forkline.pipelines.config.ForklineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How many Direct runner threads a url-scrape run asks for: one per batch with URLs, capped. */
class DirectParallelismTest {
  @TempDir Path dir;

  private int threadsFor(String list) throws Exception {
    return threadsFor(list, "");
  }

  private int threadsFor(String list, String extra) throws Exception {
    Files.writeString(dir.resolve("urls.txt"), list);
    Path file =
        TestFiles.config(dir, "pipeline: url-scrape\ninput: urls.txt\noutput: out\n" + extra);
    ForklineConfig config = ConfigLoader.load(file, List.of(), dir);
    return new UrlScrapePipeline(config.urlScrape()).directParallelism(config);
  }

  private static String urls(int count, int hosts) {
    return IntStream.range(0, count)
        .mapToObj(i -> "https://host" + (i % hosts) + ".example/page/" + i)
        .collect(Collectors.joining("\n"));
  }

  @Test
  void oneHostIsOneBatchAndOneThreadHoweverLong() throws Exception {
    assertEquals(1, threadsFor(urls(5_000, 1)));
  }

  @Test
  void fewHostsGetAThreadPerBatchTheyFill() throws Exception {
    // 1,500 URLs make 3 batches; 40 hosts dealt by hash fill all three.
    assertEquals(3, threadsFor(urls(1_500, 40)));
  }

  @Test
  void manyBatchesAreCappedSoTheirRowsDoNotAllWaitInMemory() throws Exception {
    assertEquals(UrlScrapePipeline.MAX_DIRECT_BATCHES, threadsFor(urls(20_000, 500)));
  }

  @Test
  void withADelayMoreBatchesRunAtOnceSinceEachLastsItsHostsPoliteness() throws Exception {
    assertEquals(
        UrlScrapePipeline.MAX_POLITE_DIRECT_BATCHES,
        threadsFor(urls(20_000, 500), "url-scrape:\n  delay: 250ms\n"));
  }

  @Test
  void hostIsTakenAsWrittenLowerCasedWithoutPathQueryOrFragment() {
    assertEquals("example.org:8080", UrlScrapePipeline.roughHost(" HTTP://Example.ORG:8080/a/b "));
    assertEquals("example.org", UrlScrapePipeline.roughHost("https://example.org?q=1"));
    assertEquals("example.org", UrlScrapePipeline.roughHost("https://example.org#top"));
    assertEquals("example.org", UrlScrapePipeline.roughHost("example.org/path"));
  }
}
