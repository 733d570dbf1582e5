package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.exec.Failure;
import dev.forkline.pipelines.exec.Tracked;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One distinct URL of the input lists on its way through fetch and parse: where it came from, what
 * the fetch got (the body only while it is needed), what the parse found, and its failure if any.
 * Becomes exactly one row.
 */
final class UrlTask implements Tracked<UrlTask> {
  private static final long serialVersionUID = 1L;

  /**
   * The row's key: the normalized URL; for a line that is no URL, its text; for a line that cannot
   * be read, the list's {@code PATH:LINE}.
   */
  String key;

  /** The URL as written in the list. */
  String input;

  /** Where it was first seen: {@code FILE:LINE}. */
  String source;

  /** How many times the lists name this URL (after normalization). */
  int occurrences = 1;

  /** The newest {@code lastmod} a sitemap gives the URL (an instant), or null. */
  String lastmod;

  /** The normalized URL fetched; null for an invalid line. */
  String url;

  String host;
  String finalUrl;
  int httpStatus;
  String contentType;
  String headerCharset;
  byte[] body;
  long bytes = -1;
  boolean truncated;
  int redirects;
  int attempts;
  String fetchedAt;
  double fetchMs = -1;

  /** With {@code warc: true}: the WARC file ({@code warc/NAME}) holding the fetch's exchanges. */
  String warcFile;

  /** The {@code WARC-Record-ID}s of the fetch's response records, one per hop, in order. */
  List<String> warcRecords;

  String charset;
  String charsetSource;
  boolean html;
  String title;
  String description;
  String canonical;
  String lang;
  List<String> links;
  boolean linksTruncated;
  int textLength = -1;
  String sha256;
  Map<String, List<String>> fields;
  double parseMs = -1;
  String worker;

  Map<String, Long> stageMillis = new LinkedHashMap<>();
  Failure failure;

  UrlTask() {}

  UrlTask(String key, String input, String source) {
    this.key = key;
    this.input = input;
    this.source = source;
  }

  @Override
  public UrlTask copy() {
    UrlTask c = new UrlTask(key, input, source);
    c.occurrences = occurrences;
    c.lastmod = lastmod;
    c.url = url;
    c.host = host;
    c.finalUrl = finalUrl;
    c.httpStatus = httpStatus;
    c.contentType = contentType;
    c.headerCharset = headerCharset;
    c.body = body;
    c.bytes = bytes;
    c.truncated = truncated;
    c.redirects = redirects;
    c.attempts = attempts;
    c.fetchedAt = fetchedAt;
    c.fetchMs = fetchMs;
    c.warcFile = warcFile;
    c.warcRecords = warcRecords == null ? null : new ArrayList<>(warcRecords);
    c.charset = charset;
    c.charsetSource = charsetSource;
    c.html = html;
    c.title = title;
    c.description = description;
    c.canonical = canonical;
    c.lang = lang;
    c.links = links == null ? null : new ArrayList<>(links);
    c.linksTruncated = linksTruncated;
    c.textLength = textLength;
    c.sha256 = sha256;
    c.fields = fields == null ? null : new LinkedHashMap<>(fields);
    c.parseMs = parseMs;
    c.worker = worker;
    c.stageMillis = new LinkedHashMap<>(stageMillis);
    c.failure = failure;
    return c;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof UrlTask t)) {
      return false;
    }
    return occurrences == t.occurrences
        && httpStatus == t.httpStatus
        && bytes == t.bytes
        && truncated == t.truncated
        && redirects == t.redirects
        && attempts == t.attempts
        && fetchMs == t.fetchMs
        && html == t.html
        && linksTruncated == t.linksTruncated
        && textLength == t.textLength
        && parseMs == t.parseMs
        && Objects.equals(key, t.key)
        && Objects.equals(input, t.input)
        && Objects.equals(source, t.source)
        && Objects.equals(lastmod, t.lastmod)
        && Objects.equals(url, t.url)
        && Objects.equals(host, t.host)
        && Objects.equals(finalUrl, t.finalUrl)
        && Objects.equals(contentType, t.contentType)
        && Objects.equals(headerCharset, t.headerCharset)
        && Arrays.equals(body, t.body)
        && Objects.equals(fetchedAt, t.fetchedAt)
        && Objects.equals(warcFile, t.warcFile)
        && Objects.equals(warcRecords, t.warcRecords)
        && Objects.equals(charset, t.charset)
        && Objects.equals(charsetSource, t.charsetSource)
        && Objects.equals(title, t.title)
        && Objects.equals(description, t.description)
        && Objects.equals(canonical, t.canonical)
        && Objects.equals(lang, t.lang)
        && Objects.equals(links, t.links)
        && Objects.equals(sha256, t.sha256)
        && Objects.equals(fields, t.fields)
        && Objects.equals(worker, t.worker)
        && Objects.equals(stageMillis, t.stageMillis)
        && Objects.equals(failure, t.failure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, source, failure);
  }

  @Override
  public Failure failure() {
    return failure;
  }

  @Override
  public void fail(Failure failure) {
    this.failure = failure;
    this.body = null;
  }

  @Override
  public void recordAttempts(String stage, int attempts) {
    if (stage.equals("fetch")) {
      this.attempts = attempts;
    }
  }

  @Override
  public void addStageMillis(String stage, long millis) {
    stageMillis.merge(stage, millis, Long::sum);
  }
}
