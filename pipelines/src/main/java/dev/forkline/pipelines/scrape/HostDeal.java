package dev.forkline.pipelines.scrape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which batch a host's URLs go to: one per {@value ReadListsFn#BATCH_URLS} URLs. A host with at
 * least that many URLs has a batch of its own, so that its backlog (a long politeness delay over
 * thousands of pages) holds back no other host's bundle; the other hosts are dealt by hash over the
 * rest. Every URL of a host lands in one batch, so on a cluster one worker fetches a host.
 */
final class HostDeal {
  private final Map<String, Integer> own;
  private final int first;
  private final int shared;

  private HostDeal(Map<String, Integer> own, int shared) {
    this.own = own;
    this.first = own.size();
    this.shared = shared;
  }

  /** The deal of these hosts, by how many URLs each has. */
  static HostDeal of(Map<String, Integer> urlsPerHost) {
    long urls = 0;
    Map<String, Integer> heavy = new HashMap<>();
    for (Map.Entry<String, Integer> e : urlsPerHost.entrySet()) {
      urls += e.getValue();
      if (e.getValue() >= ReadListsFn.BATCH_URLS) {
        heavy.put(e.getKey(), e.getValue());
      }
    }
    return of(heavy.keySet(), urls);
  }

  /**
   * The deal of {@code urls} URLs whose hosts with a batch's worth of URLs or more are {@code
   * heavy}: all a deal needs to know, so a split listing counts only those hosts.
   */
  static HostDeal of(java.util.Collection<String> heavyHosts, long urls) {
    List<String> heavy = new ArrayList<>(heavyHosts);
    heavy.sort(null);
    Map<String, Integer> own = new HashMap<>();
    for (String host : heavy) {
      own.put(host, own.size());
    }
    long batches = Math.max(1, (urls + ReadListsFn.BATCH_URLS - 1) / ReadListsFn.BATCH_URLS);
    int shared = (int) Math.max(1, Math.min(Integer.MAX_VALUE - own.size(), batches - own.size()));
    return new HostDeal(own, shared);
  }

  /** The batch of a host's URLs; tasks without a host share the empty one. */
  int batchOf(String host) {
    String h = host == null ? "" : host;
    Integer mine = own.get(h);
    return mine != null ? mine : first + Math.floorMod(h.hashCode(), shared);
  }

  /** How many batches there are. */
  int batches() {
    return first + shared;
  }
}
