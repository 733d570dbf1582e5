package dev.forkline.pipelines.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Where url-scrape takes URLs from besides its lists: sitemaps (XML, text, RSS or Atom, gzipped or
 * not), named in {@code url-scrape.sitemaps} or, with {@code sitemap: true}, in the robots.txt of
 * each listed host.
 *
 * @param urls the sitemaps or sitemap indexes named in the config, as written
 * @param fromRobots also read the sitemaps each listed host's robots.txt names
 * @param depth how many levels of nested sitemap indexes are followed below a sitemap
 * @param maxUrls the most URLs taken from one sitemap and the sitemaps below it
 * @param maxBytes the largest sitemap read (after gunzip)
 */
public record SitemapSettings(
    List<String> urls, boolean fromRobots, int depth, int maxUrls, long maxBytes)
    implements Serializable {

  public SitemapSettings {
    urls = List.copyOf(urls);
  }

  /** The defaults: no sitemaps. */
  public static SitemapSettings none() {
    return new SitemapSettings(List.of(), false, 3, 1_000_000, 50L << 20);
  }

  /** Whether any sitemap is read. */
  public boolean any() {
    return fromRobots || !urls.isEmpty();
  }

  static SitemapSettings read(Section s) {
    List<String> urls = new ArrayList<>();
    for (String url : s.strings("sitemaps", List.of())) {
      String lower = url.strip().toLowerCase(java.util.Locale.ROOT);
      if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
        s.problem(
            "sitemaps",
            "'" + url + "' is not an http:// or https:// URL; list the sitemaps' full URLs");
      } else if (!urls.contains(url.strip())) {
        urls.add(url.strip()); // a sitemap named twice is read once
      }
    }
    boolean fromRobots = s.bool("sitemap", false);
    int depth = s.integer("sitemap-depth", 3, 0, 10);
    int maxUrls = s.integer("sitemap-max-urls", 1_000_000, 1, Integer.MAX_VALUE);
    long maxBytes = s.size("sitemap-max-size", 50L << 20, 1024, 200L << 20);
    return new SitemapSettings(urls, fromRobots, depth, maxUrls, maxBytes);
  }
}
