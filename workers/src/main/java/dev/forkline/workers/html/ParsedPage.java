package dev.forkline.workers.html;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link HtmlParser} found in one page. A page that is not HTML ({@code html == false}) keeps
 * its metadata (type, charset, size, hash) and has no title, links, text or fields.
 *
 * @param html whether the body was parsed as HTML
 * @param contentType the media type from the header, lower-case without parameters; null if none
 * @param charset the name of the charset the body was decoded with
 * @param charsetSource where that charset came from
 * @param title the {@code <title>}, whitespace normalised; null if none or empty
 * @param description {@code <meta name=description>}'s content; null if none or empty
 * @param canonicalUrl {@code <link rel=canonical>}'s absolute URL; null if none
 * @param language {@code <html lang>}, else the {@code Content-Language} meta; null if none
 * @param links outgoing absolute http(s) links, fragment removed, de-duplicated, in page order, at
 *     most {@link HtmlParser#MAX_LINKS}
 * @param linksTruncated whether more distinct links were found than {@code links} holds
 * @param textLength the number of characters (code points) of the body's visible text
 * @param bodyLength the number of bytes of the raw body
 * @param sha256 the SHA-256 of the raw body, lower-case hex
 * @param fields the user fields by rule name, in rule order: the first match's value, or every
 *     match's with {@code all} (up to {@link HtmlParser#MAX_FIELD_VALUES} values and about {@link
 *     HtmlParser#MAX_FIELD_CHARS} characters); an empty list if nothing matched
 */
public record ParsedPage(
    boolean html,
    String contentType,
    String charset,
    CharsetSource charsetSource,
    String title,
    String description,
    String canonicalUrl,
    String language,
    List<String> links,
    boolean linksTruncated,
    int textLength,
    int bodyLength,
    String sha256,
    Map<String, List<String>> fields) {

  public ParsedPage {
    Objects.requireNonNull(charset, "charset");
    Objects.requireNonNull(charsetSource, "charsetSource");
    Objects.requireNonNull(sha256, "sha256");
    links = List.copyOf(links);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    fields.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    fields = Collections.unmodifiableMap(copy);
  }

  /** The first value of a user field, or null if it matched nothing (or there is no such rule). */
  public String field(String name) {
    List<String> values = fields.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
