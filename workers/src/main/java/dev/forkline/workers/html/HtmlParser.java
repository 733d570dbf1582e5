package dev.forkline.workers.html;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.internal.StringUtil;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.jsoup.select.Selector;

/**
 * Decodes and parses one fetched page and extracts its metadata, links and user fields. Stateless
 * and thread-safe: one instance serves every thread.
 *
 * <p>The charset is taken from, in order: a byte-order mark (the bytes prove it, so it beats the
 * header, as in browsers), the Content-Type header's {@code charset}, a {@code <meta>} in the first
 * {@value #META_SCAN_BYTES} bytes, and UTF-8. A name Java does not know is skipped, not an error.
 * Labels browsers treat as aliases are decoded as browsers do: ISO-8859-1 and US-ASCII as
 * windows-1252, Shift_JIS as windows-31j. Malformed bytes become U+FFFD.
 *
 * <p>jsoup's parser and traversals are iterative, so deeply nested hostile markup costs time linear
 * in its size and no stack.
 */
public final class HtmlParser {
  /** How far into the body a {@code <meta>} charset is looked for. */
  public static final int META_SCAN_BYTES = HtmlCharsets.META_SCAN_BYTES;

  /** How much of an unlabelled body is looked at to tell HTML from other text. */
  private static final int SNIFF_CHARS = 1024;

  /** The most links kept from one page; the rest only set {@link ParsedPage#linksTruncated}. */
  public static final int MAX_LINKS = 10_000;

  /** The most values one {@code all} rule takes from a page. */
  public static final int MAX_FIELD_VALUES = 10_000;

  /**
   * The characters one {@code all} rule takes from a page: once its values reach this many, later
   * matches are left out (the first value is always whole). Bounds the output of, say, {@code
   * outer-html} of every nested {@code div}, which grows with the square of the depth.
   */
  public static final int MAX_FIELD_CHARS = 1 << 20;

  /**
   * Parses a page.
   *
   * @param body the raw body bytes
   * @param contentTypeHeader the HTTP Content-Type header as sent, or null
   * @param pageUrl the page's URL, the base for relative links; null or empty if unknown
   * @param rules the user fields to extract
   * @return what was found; never null
   */
  public ParsedPage parse(
      byte[] body, String contentTypeHeader, String pageUrl, List<ExtractRule> rules) {
    String mediaType = HtmlCharsets.mediaType(contentTypeHeader);
    String sha256 = sha256(body);
    HtmlCharsets.Decoding decoding = HtmlCharsets.decoding(body, contentTypeHeader);
    boolean declaredHtml =
        "text/html".equals(mediaType) || "application/xhtml+xml".equals(mediaType);
    if (mediaType != null && !declaredHtml) {
      return notHtml(mediaType, decoding, body.length, sha256);
    }
    String text =
        new String(body, decoding.offset(), body.length - decoding.offset(), decoding.charset());
    if (mediaType == null && !looksLikeHtml(text)) {
      return notHtml(null, decoding, body.length, sha256);
    }

    Document doc = Jsoup.parse(text, pageUrl == null ? "" : pageUrl);
    doc.outputSettings().prettyPrint(false);
    // Element.absUrl walks up to the root for the base URI on every call, which costs time
    // quadratic in the depth of hostile markup: the document's base (after any <base href>) is
    // resolved against once here instead.
    String base = doc.baseUri();
    Set<String> links = new LinkedHashSet<>();
    boolean truncated = links(doc, base, links);
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (ExtractRule rule : rules) {
      fields.put(rule.name(), extract(doc, base, rule));
    }
    return new ParsedPage(
        true,
        mediaType,
        decoding.charset().name(),
        decoding.source(),
        emptyToNull(doc.title()),
        description(doc),
        canonical(doc, base),
        language(doc),
        new ArrayList<>(links),
        truncated,
        TextLength.of(doc.body()),
        body.length,
        sha256,
        fields);
  }

  private static ParsedPage notHtml(
      String mediaType, HtmlCharsets.Decoding decoding, int length, String hash) {
    return new ParsedPage(
        false,
        mediaType,
        decoding.charset().name(),
        decoding.source(),
        null,
        null,
        null,
        null,
        List.of(),
        false,
        0,
        length,
        hash,
        Map.of());
  }

  private static boolean looksLikeHtml(String text) {
    String start = text.substring(0, Math.min(text.length(), SNIFF_CHARS)).toLowerCase(Locale.ROOT);
    return start.contains("<html") || start.contains("<!doctype html");
  }

  // ---- extraction ----------------------------------------------------------------------------

  /** Adds the page's http(s) links to {@code out}; true if some were left out. */
  private static boolean links(Document doc, String base, Set<String> out) {
    String origin = origin(base);
    Set<String> seen = new java.util.HashSet<>();
    for (Element a : doc.select(Selector.evaluatorOf("a[href], area[href]"))) {
      String href = a.attr("href");
      if (!seen.add(href)) {
        continue; // pages repeat links; resolve each text once
      }
      String url = resolve(base, origin, href);
      String lower = url.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
        continue;
      }
      int hash = url.indexOf('#');
      if (hash >= 0) {
        url = url.substring(0, hash);
      }
      if (out.size() >= MAX_LINKS) {
        if (!out.contains(url)) {
          return true;
        }
        continue;
      }
      out.add(url);
    }
    return false;
  }

  /**
   * {@link StringUtil#resolve} with a fast path for the two common plain forms, a root-relative
   * path ({@code /p/1.html}) and an absolute http(s) URL: the same result without parsing the base
   * and stripping control characters with a regex, which was most of the parse's time on pages with
   * a hundred links. Anything else (relative paths, dot segments, spaces, odd characters) takes
   * jsoup's general resolution.
   */
  static String resolve(String base, String origin, String href) {
    if (isPlain(href)) {
      if (origin != null && href.length() > 1 && href.charAt(0) == '/' && href.charAt(1) != '/') {
        return origin + href;
      }
      if (href.startsWith("http://") || href.startsWith("https://")) {
        int pathStart = href.indexOf('/', href.indexOf("//") + 2);
        if (pathStart > 0 && pathStart < href.length()) {
          // a path that starts there may hold dot segments only if the plain check allowed them
          return href;
        }
      }
    }
    return StringUtil.resolve(base, href);
  }

  /** No whitespace, control or non-ASCII characters, backslashes, or dot segments. */
  private static boolean isPlain(String href) {
    int n = href.length();
    if (n == 0 || n > 2048) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = href.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '\\') {
        return false;
      }
    }
    return !href.contains("/./")
        && !href.contains("/../")
        && !href.endsWith("/.")
        && !href.endsWith("/..");
  }

  /** {@code scheme://authority} of an http(s) base without user info, or null. */
  static String origin(String base) {
    if (base == null || !isPlain(base)) {
      return null;
    }
    String lower = base.toLowerCase(Locale.ROOT);
    int start;
    if (lower.startsWith("http://")) {
      start = 7;
    } else if (lower.startsWith("https://")) {
      start = 8;
    } else {
      return null;
    }
    int end = start;
    while (end < base.length() && "/?#".indexOf(base.charAt(end)) < 0) {
      end++;
    }
    String authority = base.substring(start, end);
    if (authority.isEmpty() || authority.indexOf('@') >= 0) {
      return null;
    }
    return base.substring(0, end);
  }

  private static String description(Document doc) {
    for (Element meta : doc.select("meta[name=description][content]")) {
      String content = meta.attr("content").trim();
      if (!content.isEmpty()) {
        return content;
      }
    }
    return null;
  }

  private static String canonical(Document doc, String base) {
    for (Element link : doc.select("link[rel][href]")) {
      for (String rel : link.attr("rel").trim().split("\\s+")) {
        if (rel.equalsIgnoreCase("canonical")) {
          String url = StringUtil.resolve(base, link.attr("href"));
          if (!url.isEmpty()) {
            return url;
          }
        }
      }
    }
    return null;
  }

  private static String language(Document doc) {
    Element root = doc.selectFirst("html");
    if (root != null && !root.attr("lang").isBlank()) {
      return root.attr("lang").trim();
    }
    for (Element meta : doc.select("meta[http-equiv=content-language][content]")) {
      String first = meta.attr("content").split(",", 2)[0].trim();
      if (!first.isEmpty()) {
        return first;
      }
    }
    return null;
  }

  private static List<String> extract(Document doc, String base, ExtractRule rule) {
    Elements matches = doc.select(Selector.evaluatorOf(rule.css()));
    List<String> values = new ArrayList<>(rule.all() ? Math.min(matches.size(), 16) : 1);
    long chars = 0;
    for (Element e : matches) {
      String value = value(e, base, rule);
      if (value == null) {
        continue;
      }
      values.add(value);
      chars += value.length();
      if (!rule.all() || values.size() >= MAX_FIELD_VALUES || chars >= MAX_FIELD_CHARS) {
        break;
      }
    }
    return values;
  }

  /** The rule's value on one element; null if the element lacks the attribute. */
  private static String value(Element e, String base, ExtractRule rule) {
    switch (rule.attr()) {
      case ExtractRule.TEXT:
        return e.text();
      case ExtractRule.HTML:
        return e.html();
      case ExtractRule.OUTER_HTML:
        return e.outerHtml();
      default:
        if (!e.hasAttr(rule.attr())) {
          return null;
        }
        if (rule.isUrlAttribute()) {
          String abs = StringUtil.resolve(base, e.attr(rule.attr()));
          if (!abs.isEmpty()) {
            return abs;
          }
        }
        return e.attr(rule.attr());
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static String sha256(byte[] body) {
    return HexFormat.of().formatHex(Sha256.digest(body));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
