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
  private final boolean allowPrivate;

  /** The most sitemap documents read below one sitemap (an index of indexes is bounded too). */
  static final int MAX_SITEMAPS = 10_000;

  SitemapReader(FetchSettings fetch, SitemapSettings settings, Duration timeout) {
    this.settings = settings;
    this.allowPrivate = fetch.allowPrivateAddresses();
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
    read(url, index, source, url, out);
  }

  /**
   * {@link #read(String, int, String, Out)} for a sitemap named by {@code namedBy} (a URL): only a
   * name on a private address (or {@code allow-private-addresses}) may lead to private addresses,
   * as a listed URL's own host decides for its redirects.
   */
  void read(String url, int index, String source, String namedBy, Out out)
      throws InterruptedException {
    boolean mayBePrivate = allowPrivate || AddressGuard.isPrivateHost(hostOf(namedBy));
    ArrayDeque<String[]> queue = new ArrayDeque<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    queue.add(new String[] {url, source, "0"});
    seen.add(url);
    int position = 0;
    int urls = 0;
    int sitemaps = 0;
    while (!queue.isEmpty()) {
      String[] next = queue.poll();
      String at = next[0];
      int depth = Integer.parseInt(next[2]);
      if (!mayBePrivate && AddressGuard.isPrivateHost(hostOf(at))) {
        out.accept(blocked(at, next[1]), ListRange.order(index, ++position));
        continue;
      }
      if (++sitemaps > MAX_SITEMAPS) {
        out.accept(
            failed(
                at,
                next[1],
                "more than "
                    + MAX_SITEMAPS
                    + " sitemaps below "
                    + url
                    + "; this one and the rest are not read"),
            ListRange.order(index, ++position));
        return;
      }
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
          if (!seen.add(childUrl)) {
            continue; // an index that names a sitemap twice, or a cycle
          }
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
        if (!mayBePrivate && task.url != null && AddressGuard.isPrivateHost(hostOf(task.url))) {
          task.fail(
              new Failure(
                  KIND,
                  FetchKind.BLOCKED_ADDRESS,
                  task.url
                      + ": a sitemap on a public host names a private address; not fetched"
                      + " (url-scrape.allow-private-addresses: true allows it)"));
        }
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
      type = looksLikeXml(body) ? "text/xml" : "text/plain";
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

  /** Whether bytes start as XML does: '<' after an optional BOM and white space. */
  static boolean looksLikeXml(byte[] body) {
    int i = body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB ? 3 : 0;
    while (i < body.length
        && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r')) {
      i++;
    }
    return i < body.length && body[i] == '<';
  }

  private static String hostOf(String url) {
    try {
      return URI.create(url).getHost();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static UrlTask blocked(String url, String source) {
    UrlTask task = failed(url, source, "");
    task.fail(
        new Failure(
            KIND,
            FetchKind.BLOCKED_ADDRESS,
            url
                + ": a sitemap on a public host names a sitemap on a private address; not read"
                + " (url-scrape.allow-private-addresses: true allows it)"));
    return task;
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
