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

  /** The deal of these tasks, as the listing makes it. */
  private static HostDeal dealOf(java.util.List<UrlTask> tasks) {
    Map<String, Integer> perHost = new HashMap<>();
    for (UrlTask t : tasks) {
      perHost.merge(ReadListsFn.hostOf(t), 1, Integer::sum);
    }
    return HostDeal.of(perHost);
  }

  @Test
  void everyUrlOfAHostLandsInOneBatch() {
    java.util.List<UrlTask> tasks = new java.util.ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      tasks.add(task("https://host" + (i % 97) + ".example/page/" + i));
    }
    HostDeal deal = dealOf(tasks);
    assertEquals(10, deal.batches());
    Map<String, Set<Integer>> batchesOfHost = new HashMap<>();
    Set<Integer> used = new HashSet<>();
    for (UrlTask t : tasks) {
      int batch = deal.batchOf(t.host);
      assertTrue(batch >= 0 && batch < deal.batches(), "batch " + batch);
      batchesOfHost.computeIfAbsent(t.host, h -> new HashSet<>()).add(batch);
      used.add(batch);
    }
    assertEquals(97, batchesOfHost.size());
    batchesOfHost.forEach((host, b) -> assertEquals(1, b.size(), host + " split over " + b));
    assertTrue(
        used.size() > deal.batches() / 2, "97 hosts should spread over the batches: " + used);
  }

  @Test
  void aHostOfABatchsSizeHasABatchOfItsOwn() {
    // 3,000 URLs of one host among 2,000 of 200 others: the big host's backlog shares its bundle
    // with no other host.
    java.util.List<UrlTask> tasks = new java.util.ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      tasks.add(task("https://big.example/page/" + i));
    }
    for (int i = 0; i < 2_000; i++) {
      tasks.add(task("https://host" + (i % 200) + ".example/page/" + i));
    }
    HostDeal deal = dealOf(tasks);
    assertEquals(10, deal.batches());
    int big = deal.batchOf("big.example");
    for (int i = 0; i < 200; i++) {
      int batch = deal.batchOf("host" + i + ".example");
      assertTrue(batch != big, "host" + i + " shares the big host's batch " + big);
      assertTrue(batch >= 0 && batch < deal.batches(), "batch " + batch);
    }
  }

  @Test
  void aBatchTakesOneUrlOfEachHostInTurn() {
    java.util.List<java.util.ArrayDeque<UrlTask>> hosts = new java.util.ArrayList<>();
    for (String[] urls :
        new String[][] {
          {"http://a/1", "http://a/2", "http://a/3"}, {"http://b/1"}, {"http://c/1", "http://c/2"}
        }) {
      java.util.ArrayDeque<UrlTask> queue = new java.util.ArrayDeque<>();
      for (String url : urls) {
        queue.add(task(url));
      }
      hosts.add(queue);
    }
    java.util.List<String> order = new java.util.ArrayList<>();
    ReadListsFn.interleave(hosts, t -> order.add(t.url));
    assertEquals(
        java.util.List.of(
            "http://a/1", "http://b/1", "http://c/1", "http://a/2", "http://c/2", "http://a/3"),
        order);
  }

  @Test
  void batchOfAHostIsTheSameInEveryJvmAndIgnoresThePath() {
    UrlTask a = task("http://127.0.0.1:8088/a");
    UrlTask b = task("http://127.0.0.1:8088/b/c?d=1");
    assertEquals("127.0.0.1:8088", a.host);
    HostDeal deal = HostDeal.of(Map.of("127.0.0.1:8088", 2, "other:1", 3_000));
    // String.hashCode is specified, so the batch does not depend on the JVM that deals it.
    assertEquals(1 + Math.floorMod("127.0.0.1:8088".hashCode(), 5), deal.batchOf(a.host));
    assertEquals(deal.batchOf(a.host), deal.batchOf(b.host));
  }

  @Test
  void invalidUrlsHaveABatchToo() {
    UrlTask bad = task("not a url");
    assertEquals(0, HostDeal.of(Map.of("", 1)).batchOf(bad.host));
    HostDeal three = HostDeal.of(Map.of("", 100, "a:1", 1_000));
    assertEquals(1 + Math.floorMod("".hashCode(), 2), three.batchOf(bad.host));
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
