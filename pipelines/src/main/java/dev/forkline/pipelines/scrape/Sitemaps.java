package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.config.SitemapSettings;
import dev.forkline.pipelines.run.ResumeVerdicts;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The sitemaps of a scrape: the ones its config names, read after the lists (list index {@code
 * lists + i}), then with {@code sitemap: true} the ones its listed hosts' robots.txt names, each at
 * an index from its URL's hash ({@link SitemapReader#discoveredIndex}) so that every listing, one
 * task or split, takes a URL's first place from the same sitemap. And what a sitemap's {@code
 * lastmod} means for {@code --resume}.
 */
record Sitemaps(SitemapSettings settings, FetchSettings fetch, Duration timeout)
    implements Serializable {

  /** A reader of these sitemaps; close it when done. */
  SitemapReader reader() {
    return new SitemapReader(fetch, settings, timeout);
  }

  /**
   * Reads every sitemap, for a listing of {@code lists} lists whose tasks are {@code listed}, in
   * the order of their indexes.
   */
  void readAll(int lists, Collection<UrlTask> listed, SitemapReader.Out out)
      throws InterruptedException {
    Set<String> origins = new LinkedHashSet<>();
    if (settings.fromRobots()) {
      for (UrlTask task : listed) {
        String origin = SitemapReader.originOf(task);
        if (origin != null) {
          origins.add(origin);
        }
      }
    }
    try (SitemapReader reader = reader()) {
      for (int i = 0; i < settings.urls().size(); i++) {
        reader.read(settings.urls().get(i), lists + i, "url-scrape.sitemaps", out);
      }
      TreeMap<Integer, List<String[]>> found = new TreeMap<>();
      for (String origin : origins) {
        for (String sitemap : reader.fromRobots(origin)) {
          found
              .computeIfAbsent(discoveredIndex(lists, sitemap), k -> new ArrayList<>())
              .add(new String[] {sitemap, origin + "/robots.txt"});
        }
      }
      Set<String> read = new java.util.HashSet<>(settings.urls());
      for (var e : found.entrySet()) {
        e.getValue()
            .sort(
                java.util.Comparator.<String[], String>comparing(a -> a[0])
                    .thenComparing(a -> a[1]));
        for (String[] sitemap : e.getValue()) {
          if (read.add(sitemap[0])) {
            reader.read(sitemap[0], e.getKey(), sitemap[1], sitemap[1], out);
          }
        }
      }
    }
  }

  /** The index of a sitemap a robots.txt names, past the config's own. */
  int discoveredIndex(int lists, String sitemap) {
    return SitemapReader.discoveredIndex(lists + settings.urls().size(), sitemap);
  }

  /**
   * The verdict on an earlier row of a URL whose recorded identity is {@code recorded} (its {@code
   * fetched_at}): it stands unless it must be redone anyway or a sitemap's {@code lastmod} is
   * newer.
   */
  static String verdict(String recorded, String lastmod) {
    if (!ResumeVerdicts.stands(recorded)) {
      return ResumeVerdicts.REDO;
    }
    if (lastmod != null && !recorded.isEmpty()) {
      try {
        if (Instant.parse(lastmod).isAfter(Instant.parse(recorded))) {
          return ResumeVerdicts.REDO;
        }
      } catch (java.time.format.DateTimeParseException e) {
        return ResumeVerdicts.KEEP;
      }
    }
    return ResumeVerdicts.KEEP;
  }
}
