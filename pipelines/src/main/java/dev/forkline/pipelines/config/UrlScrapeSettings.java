package dev.forkline.pipelines.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code url-scrape:} section: how to fetch politely and what to extract from each page.
 *
 * @param userAgent the User-Agent header, also the name matched in robots.txt
 * @param perHost how many requests to one host may be in flight at once
 * @param hostDelay the least time between two requests to the same host
 * @param maxBodyBytes the largest body read (after decompression)
 * @param maxRedirects how many redirects are followed
 * @param extract user fields: name to CSS selector, attribute and whether to take all matches
 */
public record UrlScrapeSettings(
    String userAgent,
    int perHost,
    Duration hostDelay,
    long maxBodyBytes,
    int maxRedirects,
    Map<String, Extract> extract)
    implements Serializable {

  /** One user field: a CSS selector, what to take from the match, and whether to take all. */
  public record Extract(String css, String attr, boolean all) implements Serializable {}

  public static final String DEFAULT_USER_AGENT = "forkline/0.1 (batch scraper)";

  /** What {@code attr} accepts besides any attribute name. */
  public static final List<String> SPECIAL_ATTRS = List.of("text", "html", "outer-html");

  public UrlScrapeSettings {
    extract = Map.copyOf(extract);
  }

  static UrlScrapeSettings read(Section s) {
    String userAgent = s.string("user-agent", DEFAULT_USER_AGENT);
    if (userAgent != null && userAgent.isBlank()) {
      s.problem("user-agent", "cannot be blank; sites and robots.txt rules match on it");
    }
    int perHost = s.integer("per-host", 4, 1, 1024);
    Duration delay = s.duration("delay", Duration.ZERO, Duration.ZERO);
    long maxBody = s.size("max-body", 5L << 20, 1024, 1L << 31);
    int maxRedirects = s.integer("max-redirects", 5, 0, 50);
    Map<String, Extract> extract = new LinkedHashMap<>();
    Section fields = s.section("extract");
    for (String name : fields.keys()) {
      if (!name.matches("[a-z][a-z0-9_]*")) {
        fields.problem(
            name,
            "field names become Parquet columns: use lowercase letters, digits"
                + " and '_', starting with a letter (e.g. 'price', 'author_name')");
      }
      Section field = fields.section(name);
      String css =
          field.requiredString("css", "a CSS selector such as 'h1' or 'meta[name=author]'");
      String attr = field.string("attr", "text");
      boolean all = field.bool("all", false);
      field.finish();
      if (css != null) {
        extract.put(name, new Extract(css, attr, all));
      }
    }
    s.finish();
    return new UrlScrapeSettings(userAgent, perHost, delay, maxBody, maxRedirects, extract);
  }
}
