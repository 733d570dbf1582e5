package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.exec.StageException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses, validates and normalizes the URLs of a scrape list, so equal pages get equal keys and
 * only absolute http/https URLs with a host reach the network. Static and pure.
 *
 * <p>Normal form: scheme and host in lower case, an IDN host in punycode by UTS #46 nontransitional
 * processing (IDNA2008, as browsers and WHATWG URL map it: {@code faß.de} is {@code
 * xn--fa-hia.de}), no default port, no fragment, no user info, {@code .} and {@code ..} segments
 * resolved, an empty path as {@code /}, an empty query dropped, percent-escapes of unreserved
 * characters decoded, other escapes in upper case, and characters that may not appear raw
 * (non-ASCII, {@code "<>\^`{|}}) percent-encoded as UTF-8. Only ASCII hex digits make an escape; a
 * '%' before anything else is a literal '%' (as WHATWG URL reads it), written {@code %25}. The
 * result always parses with {@link URI#create}.
 *
 * <p>The authority's rules are in {@code UrlHosts}, the path's and query's in {@code UrlPaths}.
 */
public final class UrlNormalizer {
  /** Longer URLs are refused: no server accepts them and they bloat every row. */
  public static final int MAX_LENGTH = 8192;

  // RFC 3986, appendix B.
  private static final Pattern PARTS =
      Pattern.compile("^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\\?([^#]*))?(?:#(.*))?$");
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");

  private UrlNormalizer() {}

  /**
   * The normal form of {@code raw} (surrounding whitespace ignored).
   *
   * @throws StageException kind {@code invalid-url}, saying what was wrong and what is accepted
   */
  public static String normalize(String raw) throws StageException {
    return raw != null && alreadyNormal(raw) ? raw : normalizeFully(raw);
  }

  /**
   * Whether {@code url} is already in normal form by a scan without regular expressions or {@link
   * URI}: the common case of a list, {@code http(s)://lower.case.host[:port]/path[?query]} with
   * nothing to encode, decode or resolve. False for anything else, which {@link #normalizeFully}
   * takes, so the common case skips its parsing. {@code normalizeFully(url).equals(url)} for every
   * URL this accepts: UrlNormalizerTest checks it on hundreds of thousands of generated URLs.
   */
  static boolean alreadyNormal(String url) {
    int n = url.length();
    int i;
    boolean https;
    if (url.startsWith("http://")) {
      i = 7;
      https = false;
    } else if (url.startsWith("https://")) {
      i = 8;
      https = true;
    } else {
      return false;
    }
    if (n > MAX_LENGTH) {
      return false;
    }
    i = normalHostEnd(url, i);
    if (i < 0) {
      return false;
    }
    if (i < n && url.charAt(i) == ':') {
      i = normalPortEnd(url, i + 1, https);
      if (i < 0) {
        return false;
      }
    }
    if (i >= n || url.charAt(i) != '/') {
      return false;
    }
    return isNormalPathAndQuery(url, i);
  }

  /** Where the host that starts at {@code i} ends, or -1 when it may not be in normal form. */
  private static int normalHostEnd(String url, int i) {
    int n = url.length();
    // The host: dot-separated labels of a-z, 0-9 and '-', 1 to 63 characters each (IDN's limit);
    // an xn-- label must be checked as punycode, the full way.
    int label = 0;
    for (; i < n; i++) {
      char c = url.charAt(i);
      if (label == 0 && c == 'x' && url.startsWith("xn--", i)) {
        return -1;
      }
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
        if (++label > 63) {
          return -1;
        }
      } else if (c == '.' && label > 0) {
        label = 0;
      } else {
        break;
      }
    }
    if (label == 0) {
      return -1; // no host, an empty label or a trailing dot
    }
    return i;
  }

  /** Where the port that starts at {@code start} ends, or -1 when it is not in normal form. */
  private static int normalPortEnd(String url, int start, boolean https) {
    int n = url.length();
    int i = start;
    int port = 0;
    for (; i < n && i - start < 6 && url.charAt(i) >= '0' && url.charAt(i) <= '9'; i++) {
      port = port * 10 + (url.charAt(i) - '0');
    }
    if (i == start || i - start > 5 || url.charAt(start) == '0' || port > 65535) {
      return -1;
    }
    if (port == (https ? 443 : 80)) {
      return -1; // a default port, which the normal form drops
    }
    return i;
  }

  /** Whether the path from {@code i} (its first '/') and the query after it are in normal form. */
  private static boolean isNormalPathAndQuery(String url, int i) {
    int n = url.length();
    int segment = i + 1;
    for (i++; i < n; i++) {
      char c = url.charAt(i);
      if (c == '/' || c == '?') {
        if (UrlPaths.isDotSegment(url, segment, i)) {
          return false;
        }
        if (c == '?') {
          break;
        }
        segment = i + 1;
      } else if (!(c < 0x80
          && (UrlPaths.isUnreserved(c) || UrlPaths.isSubDelim(c) || c == ':' || c == '@'))) {
        return false;
      }
    }
    if (i == n) {
      return !UrlPaths.isDotSegment(url, segment, n);
    }
    if (i == n - 1) {
      return false; // an empty query, which the normal form drops
    }
    for (i++; i < n; i++) {
      char c = url.charAt(i);
      if (!(c < 0x80
          && (UrlPaths.isUnreserved(c) || UrlPaths.isSubDelim(c) || "/?:@".indexOf(c) >= 0))) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code host[:port]} of a normalized URL, as {@link URI#getRawAuthority()} gives it, without
   * parsing it again.
   */
  public static String authority(String normalized) {
    int start = normalized.indexOf("://") + 3;
    int end = normalized.indexOf('/', start);
    return normalized.substring(start, end < 0 ? normalized.length() : end);
  }

  /** {@link #normalize}, the whole way. */
  static String normalizeFully(String raw) throws StageException {
    if (raw == null || raw.isBlank()) {
      throw invalid("an empty URL; expected an absolute http:// or https:// URL");
    }
    String url = raw.strip();
    if (url.length() > MAX_LENGTH) {
      throw invalid(
          "a URL of " + url.length() + " characters; at most " + MAX_LENGTH + " are accepted");
    }
    checkCharacters(url);
    Matcher m = PARTS.matcher(url);
    if (!m.matches()) {
      throw invalid("'" + shorten(url) + "' is not a URL");
    }
    String scheme = scheme(url, m.group(1));
    String authority = m.group(2);
    if (authority == null || authority.isEmpty()) {
      throw invalid("'" + shorten(url) + "' has no host; expected " + scheme + "://host/path");
    }
    String hostPort = UrlHosts.hostPort(url, scheme, authority);
    String path = UrlPaths.removeDotSegments(UrlPaths.encode(m.group(3), "/:@"));
    if (path.isEmpty()) {
      path = "/";
    }
    if (!path.startsWith("/")) {
      // Cannot happen after an authority by the grammar, but keep the result absolute.
      path = "/" + path;
    }
    String query = m.group(4);
    StringBuilder out = new StringBuilder(url.length() + 8);
    out.append(scheme).append("://").append(hostPort).append(path);
    if (query != null && !query.isEmpty()) {
      out.append('?').append(UrlPaths.encode(query, "/?:@"));
    }
    String result = out.toString();
    try {
      new URI(result);
    } catch (URISyntaxException e) {
      throw invalid("'" + shorten(url) + "' is not a valid URL: " + e.getReason());
    }
    return result;
  }

  /** Refuses whitespace and control characters, which must be percent-encoded. */
  private static void checkCharacters(String url) throws StageException {
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw invalid(
            "'"
                + shorten(url)
                + "' has a space or control character at position "
                + (i + 1)
                + "; encode it (a space is %20)");
      }
    }
  }

  /** {@code scheme} of {@code url} in lower case, when it is http or https. */
  private static String scheme(String url, String scheme) throws StageException {
    if (scheme == null || !SCHEME.matcher(scheme).matches()) {
      throw invalid(
          "'" + shorten(url) + "' has no scheme; expected an absolute http:// or https:// URL");
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw invalid(
          "'"
              + shorten(url)
              + "' uses the scheme '"
              + scheme
              + ":'; only http and https URLs are fetched");
    }
    return scheme;
  }

  /**
   * Resolves a redirect's {@code Location} (absolute or relative) against the normalized URL that
   * answered it, and normalizes the result. Spaces in the location are encoded, as browsers do.
   *
   * @throws StageException kind {@code invalid-url} when the target is not an http/https URL
   */
  public static String resolve(String base, String location) throws StageException {
    if (location == null || location.isBlank()) {
      throw invalid("an empty redirect location");
    }
    String ref = location.strip().replace(" ", "%20");
    Matcher r = PARTS.matcher(ref);
    if (!r.matches()) {
      throw invalid("redirect location '" + shorten(ref) + "' is not a URL");
    }
    if (r.group(1) != null) {
      return normalize(ref);
    }
    URI b = URI.create(base);
    String baseAuthority = b.getRawAuthority();
    String target;
    if (r.group(2) != null) {
      target = b.getScheme() + ":" + ref;
    } else {
      String refPath = r.group(3);
      String query = r.group(4);
      String path;
      if (refPath.isEmpty()) {
        path = b.getRawPath();
        if (query == null) {
          query = b.getRawQuery();
        }
      } else if (refPath.startsWith("/")) {
        path = refPath;
      } else {
        String basePath = b.getRawPath();
        path = basePath.substring(0, basePath.lastIndexOf('/') + 1) + refPath;
      }
      target = b.getScheme() + "://" + baseAuthority + path + (query == null ? "" : "?" + query);
    }
    return normalize(target);
  }

  /** {@code scheme://host[:port]} of a normalized URL: the key of robots.txt and host health. */
  public static String origin(URI url) {
    return url.getScheme() + "://" + url.getRawAuthority();
  }

  static String shorten(String url) {
    return url.length() <= 200 ? url : url.substring(0, 200) + "...";
  }

  static StageException invalid(String message) {
    return new StageException(FetchKind.INVALID_URL, message);
  }
}
