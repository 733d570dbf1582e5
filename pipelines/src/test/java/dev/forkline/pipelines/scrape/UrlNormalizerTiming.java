package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.exec.StageException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Times {@link UrlNormalizer#normalize} on 100,000 URLs of mixed hosts (not a test; run its main
 * from the test classpath). Per round: wall time of one pass over the list, after warm-up rounds.
 */
public final class UrlNormalizerTiming {
  private UrlNormalizerTiming() {}

  /** 100,000 URLs over 2,000 hosts: half already normal, a quarter not, a quarter IDN hosts. */
  static List<String> urls(int count) {
    String[] idn = {
      "b\u00fccher", "fa\u00df", "\u043f\u0440\u0438\u043c\u0435\u0440", "\u4f8b\u3048"
    };
    String[] tlds = {"com", "de", "org", "co.uk", "\u0440\u0444"};
    Random random = new Random(19);
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int host = random.nextInt(2000);
      String tld = tlds[host % 4];
      String path = "/p/" + random.nextInt(100_000) + ".html";
      switch (i % 4) {
        case 0, 1 -> out.add("https://www.site" + host + "." + tld + path);
        case 2 -> out.add("HTTP://Site" + host + "." + tld.toUpperCase() + ":80" + path + "#top");
        default ->
            out.add(
                "http://"
                    + idn[host % idn.length]
                    + host
                    + "."
                    + tlds[host % tlds.length]
                    + path
                    + "?q=caf\u00e9");
      }
    }
    return out;
  }

  public static void main(String[] args) throws StageException {
    List<String> urls = urls(100_000);
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    long[] ms = new long[rounds];
    long sink = 0;
    for (int warm = 0; warm < 5; warm++) {
      for (String url : urls) {
        sink += UrlNormalizer.normalize(url).length();
      }
    }
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      for (String url : urls) {
        sink += UrlNormalizer.normalize(url).length();
      }
      ms[r] = (System.nanoTime() - start) / 1_000_000;
    }
    long[] sorted = ms.clone();
    Arrays.sort(sorted);
    System.out.println(
        "100,000 URLs: median "
            + sorted[rounds / 2]
            + " ms, min "
            + sorted[0]
            + " ms, max "
            + sorted[rounds - 1]
            + " ms over "
            + rounds
            + " rounds (checksum "
            + sink
            + ")");
  }
}
