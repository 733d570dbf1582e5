package dev.forkline.pipelines.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The many-hosts workload's URL lists, on the site's hosts 127.0.0.1 up: host by host (grouped),
 * the same shuffled, the fast hosts alone, and the fast hosts after the slow host (mix).
 */
record HostLists(List<String> grouped, List<String> shuffled, List<String> fast, List<String> mix) {

  /** The lists of {@code pages} on the site at {@code port}; the shuffle is the same every run. */
  static HostLists of(int port, ManyHostsBench.Sizes sizes, List<String> pages) {
    List<String> grouped = urls(port, 1, sizes.hosts(), pages);
    List<String> shuffled = new ArrayList<>(grouped);
    Collections.shuffle(shuffled, new Random(19));
    List<String> fast = urls(port, 1, sizes.fastHosts(), pages);
    List<String> mix =
        new ArrayList<>(
            urls(port, sizes.slowHost(), sizes.slowHost(), pages.subList(0, sizes.slowPages())));
    mix.addAll(fast);
    return new HostLists(grouped, shuffled, fast, mix);
  }

  /** Each page on each host from 127.0.0.{@code first} to 127.0.0.{@code last}, host by host. */
  private static List<String> urls(int port, int first, int last, List<String> pages) {
    List<String> out = new ArrayList<>();
    for (int h = first; h <= last; h++) {
      for (String page : pages) {
        out.add("http://127.0.0." + h + ":" + port + page);
      }
    }
    return out;
  }
}
