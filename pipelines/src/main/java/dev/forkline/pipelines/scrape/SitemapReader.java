package dev.forkline.pipelines.scrape;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import crawlercommons.sitemaps.AbstractSiteMap;
import crawlercommons.sitemaps.SiteMap;
import crawlercommons.sitemaps.SiteMapIndex;
import crawlercommons.sitemaps.SiteMapParser;
import crawlercommons.sitemaps.SiteMapURL;
import crawlercommons.sitemaps.UnknownFormatException;
import dev.forkline.pipelines.config.SitemapSettings;
import dev.forkline.pipelines.exec.Attempt;
import dev.forkline.pipelines.exec.Failure;
import dev.forkline.pipelines.exec.StageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads sitemaps into tasks: a sitemap or sitemap index (XML, text, RSS or Atom; gzipped or not,
 * parsed by crawler-commons' {@link SiteMapParser}) is fetched with the scrape's own fetcher (user
 * agent, robots.txt, private-address guard, deadline), nested indexes are followed to {@code
 * sitemap-depth}, and each URL becomes a task whose {@code source} is its sitemap and whose {@code
 * lastmod} the sitemap's. A sitemap that cannot be fetched or parsed, is larger than {@code
 * sitemap-max-size}, lies too deep, or makes a tree pass {@code sitemap-max-urls} becomes a failed
 * task of its own (kind {@value #KIND}, keyed by its URL): nothing stops the run. Not thread-safe;
 * {@link #close} when done.
 */
final class SitemapReader implements AutoCloseable {
  static final String KIND = "sitemap";

  /** What a sitemap gives, with its place in the reading order. */
  interface Out {
    void accept(UrlTask task, long order);
  }

  private final SitemapSettings settings;
  private final Duration timeout;
  private final String agent;
  private final Fetcher fetcher;
  private final SiteMapParser parser = new SiteMapParser(false, false);

  SitemapReader(FetchSettings fetch, SitemapSettings settings, Duration timeout) {
    this.settings = settings;
    this.timeout = timeout;
    this.agent = fetch.userAgent().split("[ /]", 2)[0];
    this.fetcher = new Fetcher(fetch.withMaxBody(settings.maxBytes(), false));
    fetcher.setup();
  }

  /** The order index of a sitemap a robots.txt names: the same on every worker. */
  static int discoveredIndex(int base, String sitemap) {
    return base + 1 + (sitemap.hashCode() & 0x3FFFFFFF);
  }

  /**
   * Reads the sitemap at {@code url} (named by {@code source}) and those below it; each task goes
   * to {@code out} with its order, list index {@code index} and its position in the reading.
   */
  void read(String url, int index, String source, Out out) throws InterruptedException {
    ArrayDeque<String[]> queue = new ArrayDeque<>();
    queue.add(new String[] {url, source, "0"});
    int position = 0;
    int urls = 0;
    while (!queue.isEmpty()) {
      String[] next = queue.poll();
      String at = next[0];
      int depth = Integer.parseInt(next[2]);
      AbstractSiteMap map;
      try {
        map = parse(at);
      } catch (SitemapException e) {
        out.accept(failed(at, next[1], e.getMessage()), ListRange.order(index, ++position));
        continue;
      }
      if (map instanceof SiteMapIndex sitemapIndex) {
        for (AbstractSiteMap child : sitemapIndex.getSitemaps()) {
          String childUrl = child.getUrl().toString();
          if (depth + 1 > settings.depth()) {
            out.accept(
                failed(
                    childUrl,
                    at,
                    "nested deeper than url-scrape.sitemap-depth ("
                        + settings.depth()
                        + ") below "
                        + url
                        + "; not read"),
                ListRange.order(index, ++position));
          } else {
            queue.add(new String[] {childUrl, at, Integer.toString(depth + 1)});
          }
        }
        continue;
      }
      for (SiteMapURL entry : ((SiteMap) map).getSiteMapUrls()) {
        if (urls == settings.maxUrls()) {
          out.accept(
              failed(
                  at,
                  next[1],
                  "the sitemaps from "
                      + url
                      + " list more than url-scrape.sitemap-max-urls ("
                      + settings.maxUrls()
                      + ") URLs; the first "
                      + settings.maxUrls()
                      + " are taken"),
              ListRange.order(index, ++position));
          return;
        }
        urls++;
        UrlTask task = ReadListsFn.task(entry.getUrl().toString(), at);
        if (entry.getLastModified() != null) {
          task.lastmod = entry.getLastModified().toInstant().toString();
        }
        out.accept(task, ListRange.order(index, ++position));
      }
    }
  }

  /** The sitemaps {@code origin}'s robots.txt names; none when it cannot be had. */
  List<String> fromRobots(String origin) throws InterruptedException {
    try {
      FetchResult robots = fetcher.fetch(origin + "/robots.txt", Attempt.single(timeout));
      BaseRobotRules rules =
          new SimpleRobotRulesParser()
              .parseContent(
                  robots.finalUrl(),
                  robots.body(),
                  robots.contentType() == null ? "text/plain" : robots.contentType(),
                  agent.toLowerCase(Locale.ROOT));
      return new ArrayList<>(rules.getSitemaps());
    } catch (StageException | RuntimeException e) {
      return List.of(); // the host's own URLs say what is wrong with it
    }
  }

  private AbstractSiteMap parse(String url) throws SitemapException, InterruptedException {
    FetchResult got;
    try {
      got = fetcher.fetch(url, Attempt.single(timeout));
    } catch (StageException e) {
      throw new SitemapException(
          "the sitemap could not be fetched (" + e.kind() + "): " + e.getMessage());
    }
    byte[] body = got.body();
    String type = got.contentType() == null ? "text/xml" : got.contentType();
    if (body.length > 1 && (body[0] & 0xFF) == 0x1F && (body[1] & 0xFF) == 0x8B) {
      body = gunzip(body);
      type = body.length > 0 && body[0] == '<' ? "text/xml" : "text/plain";
    }
    try {
      return parser.parseSiteMap(type, body, new URL(got.finalUrl()));
    } catch (UnknownFormatException | IOException | RuntimeException e) {
      throw new SitemapException("the sitemap cannot be read: " + e.getMessage());
    }
  }

  /** A gzipped sitemap's bytes, at most {@code sitemap-max-size} of them. */
  private byte[] gunzip(byte[] gz) throws SitemapException {
    try (InputStream in =
        new GzipCompressorInputStream(new java.io.ByteArrayInputStream(gz), true)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        out.write(buffer, 0, n);
        if (out.size() > settings.maxBytes()) {
          throw new SitemapException(
              "the sitemap is larger than url-scrape.sitemap-max-size ("
                  + settings.maxBytes()
                  + " bytes) once gunzipped");
        }
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new SitemapException("the gzipped sitemap cannot be read: " + e.getMessage());
    }
  }

  /** The failed task of a sitemap: keyed by its URL, its source what named it. */
  private static UrlTask failed(String url, String source, String message) {
    String key = url;
    try {
      key = UrlNormalizer.normalize(url);
    } catch (StageException e) {
      // kept as written
    }
    UrlTask task = new UrlTask(key, url, source);
    task.fail(new Failure(KIND, KIND, url + ": " + message));
    return task;
  }

  /** The origin ({@code scheme://host:port}) of a task's URL, or null for a task without one. */
  static String originOf(UrlTask task) {
    if (task.url == null || task.failure != null) {
      return null;
    }
    return UrlNormalizer.origin(URI.create(task.url));
  }

  @Override
  public void close() {
    fetcher.teardown();
  }

  private static final class SitemapException extends Exception {
    private static final long serialVersionUID = 1L;

    SitemapException(String message) {
      super(message);
    }
  }
}
