package dev.forkline.pipelines.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.exec.Failure;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the URL list is dealt into batches: whole hosts per batch, for politeness on clusters. */
class ReadListsFnTest {

  private static UrlTask task(String url) {
    return ReadListsFn.task(new UrlLists.Entry(url, Path.of("list.txt"), 1, null));
  }

  @Test
  void everyUrlOfAHostLandsInOneBatch() {
    int urls = 5_000;
    int batches = ReadListsFn.batches(urls);
    assertEquals(10, batches);
    Map<String, Set<Integer>> batchesOfHost = new HashMap<>();
    Set<Integer> used = new HashSet<>();
    for (int i = 0; i < urls; i++) {
      UrlTask t = task("https://host" + (i % 97) + ".example/page/" + i);
      int batch = ReadListsFn.batchOf(t, batches);
      assertTrue(batch >= 0 && batch < batches, "batch " + batch);
      batchesOfHost.computeIfAbsent(t.host, h -> new HashSet<>()).add(batch);
      used.add(batch);
    }
    assertEquals(97, batchesOfHost.size());
    batchesOfHost.forEach((host, b) -> assertEquals(1, b.size(), host + " split over " + b));
    assertTrue(used.size() > batches / 2, "97 hosts should spread over the batches: " + used);
  }

  @Test
  void batchOfAHostIsTheSameInEveryJvmAndIgnoresThePath() {
    UrlTask a = task("http://127.0.0.1:8088/a");
    UrlTask b = task("http://127.0.0.1:8088/b/c?d=1");
    assertEquals("127.0.0.1:8088", a.host);
    // String.hashCode is specified, so the batch does not depend on the JVM that deals it.
    assertEquals(Math.floorMod("127.0.0.1:8088".hashCode(), 7), ReadListsFn.batchOf(a, 7));
    assertEquals(ReadListsFn.batchOf(a, 7), ReadListsFn.batchOf(b, 7));
  }

  @Test
  void invalidUrlsHaveABatchToo() {
    UrlTask bad = task("not a url");
    assertEquals(0, ReadListsFn.batchOf(bad, 1));
    assertEquals(Math.floorMod("".hashCode(), 3), ReadListsFn.batchOf(bad, 3));
  }

  @Test
  void aLineThatCannotBeReadIsAFailedTaskKeyedByItsPathAndLine() {
    UrlTask bad =
        ReadListsFn.task(
            new UrlLists.Entry(
                "2,\"http://a.example/", Path.of("/lists/urls.csv"), 3, "a quote is never closed"));

    assertEquals("/lists/urls.csv:3", bad.key);
    assertEquals("urls.csv:3", bad.source);
    assertEquals("2,\"http://a.example/", bad.input);
    assertNull(bad.url);
    assertEquals(
        new Failure("list", "invalid-list-line", "/lists/urls.csv:3: a quote is never closed"),
        bad.failure());
  }
}
