package dev.forkline.pipelines.scrape;

import com.ibm.icu.text.IDNA;
import dev.forkline.pipelines.exec.StageException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
 */
public final class UrlNormalizer {
  /** Longer URLs are refused: no server accepts them and they bloat every row. */
  public static final int MAX_LENGTH = 8192;

  // RFC 3986, appendix B.
  private static final Pattern PARTS =
      Pattern.compile("^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\\?([^#]*))?(?:#(.*))?$");
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");
  private static final Pattern HOST_LABELS = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*\\.?");
  private static final Pattern NOT_IN_HOST = Pattern.compile("[^a-z0-9_.-]");
  private static final String LABEL_TOO_LONG = "a label is longer than 63 bytes";
  private static final String HEX = "0123456789ABCDEF";

  private UrlNormalizer() {}

  /**
   * WHATWG URL's domain to ASCII: CheckBidi, CheckJoiners, nontransitional, no STD3 rules (the host
   * pattern refuses what STD3 would); thread-safe. In a holder: loading ICU's data costs 60 to 90
   * ms, which a list of ASCII hosts never pays.
   */
  private static final class Uts46 {
    // WHATWG sets CheckHyphens and VerifyDnsLength false: hyphens anywhere and long names pass; a
    // label over 63 bytes is still refused, by our own check.
    static final Set<IDNA.Error> IGNORED_ERRORS =
        EnumSet.of(
            IDNA.Error.LEADING_HYPHEN,
            IDNA.Error.TRAILING_HYPHEN,
            IDNA.Error.HYPHEN_3_4,
            IDNA.Error.DOMAIN_NAME_TOO_LONG);

    static final IDNA INSTANCE =
        IDNA.getUTS46Instance(
            IDNA.CHECK_BIDI
                | IDNA.CHECK_CONTEXTJ
                | IDNA.NONTRANSITIONAL_TO_ASCII
                | IDNA.NONTRANSITIONAL_TO_UNICODE);
  }

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
    // The host: dot-separated labels of a-z, 0-9 and '-', 1 to 63 characters each (IDN's limit);
    // an xn-- label must be checked as punycode, the full way.
    int label = 0;
    for (; i < n; i++) {
      char c = url.charAt(i);
      if (label == 0 && c == 'x' && url.startsWith("xn--", i)) {
        return false;
      }
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
        if (++label > 63) {
          return false;
        }
      } else if (c == '.' && label > 0) {
        label = 0;
      } else {
        break;
      }
    }
    if (label == 0) {
      return false; // no host, an empty label or a trailing dot
    }
    if (i < n && url.charAt(i) == ':') {
      int start = ++i;
      int port = 0;
      for (; i < n && i - start < 6 && url.charAt(i) >= '0' && url.charAt(i) <= '9'; i++) {
        port = port * 10 + (url.charAt(i) - '0');
      }
      if (i == start || i - start > 5 || url.charAt(start) == '0' || port > 65535) {
        return false;
      }
      if (port == (https ? 443 : 80)) {
        return false; // a default port, which the normal form drops
      }
    }
    if (i >= n || url.charAt(i) != '/') {
      return false;
    }
    int segment = i + 1;
    for (i++; i < n; i++) {
      char c = url.charAt(i);
      if (c == '/' || c == '?') {
        if (isDotSegment(url, segment, i)) {
          return false;
        }
        if (c == '?') {
          break;
        }
        segment = i + 1;
      } else if (!(c < 0x80 && (isUnreserved(c) || isSubDelim(c) || c == ':' || c == '@'))) {
        return false;
      }
    }
    if (i == n) {
      return !isDotSegment(url, segment, n);
    }
    if (i == n - 1) {
      return false; // an empty query, which the normal form drops
    }
    for (i++; i < n; i++) {
      char c = url.charAt(i);
      if (!(c < 0x80 && (isUnreserved(c) || isSubDelim(c) || "/?:@".indexOf(c) >= 0))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDotSegment(String s, int from, int to) {
    return (to - from == 1 && s.charAt(from) == '.')
        || (to - from == 2 && s.charAt(from) == '.' && s.charAt(from + 1) == '.');
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
    Matcher m = PARTS.matcher(url);
    if (!m.matches()) {
      throw invalid("'" + shorten(url) + "' is not a URL");
    }
    String scheme = m.group(1);
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
    String authority = m.group(2);
    if (authority == null || authority.isEmpty()) {
      throw invalid("'" + shorten(url) + "' has no host; expected " + scheme + "://host/path");
    }
    String hostPort = authorityOf(url, scheme, authority);
    String path = removeDotSegments(encode(m.group(3), "/:@"));
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
      out.append('?').append(encode(query, "/?:@"));
    }
    String result = out.toString();
    try {
      new URI(result);
    } catch (URISyntaxException e) {
      throw invalid("'" + shorten(url) + "' is not a valid URL: " + e.getReason());
    }
    return result;
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

  private static String authorityOf(String url, String scheme, String authority)
      throws StageException {
    if (authority.indexOf('@') >= 0) {
      throw invalid(
          "'"
              + shorten(url)
              + "' carries user info before '@'; credentials in URLs are not accepted");
    }
    String host;
    String port = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        throw invalid("'" + shorten(url) + "' has an unclosed IPv6 literal '['");
      }
      host = authority.substring(0, close + 1).toLowerCase(Locale.ROOT);
      String rest = authority.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw invalid("'" + shorten(url) + "' has text after the IPv6 literal: '" + rest + "'");
        }
        port = rest.substring(1);
      }
      try {
        new URI("http://" + host + "/");
      } catch (URISyntaxException e) {
        throw invalid("'" + shorten(url) + "' has an invalid IPv6 host " + host);
      }
    } else {
      int colon = authority.lastIndexOf(':');
      host = colon < 0 ? authority : authority.substring(0, colon);
      port = colon < 0 ? null : authority.substring(colon + 1);
      host = asciiHost(url, host);
    }
    if (host.isEmpty()) {
      throw invalid("'" + shorten(url) + "' has no host; expected " + scheme + "://host/path");
    }
    if (port == null || port.isEmpty()) {
      return host;
    }
    if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
      throw invalid("'" + shorten(url) + "' has port '" + port + "'; a port is 0 to 65535");
    }
    int p = Integer.parseInt(port);
    int defaultPort = scheme.equals("https") ? 443 : 80;
    return p == defaultPort ? host : host + ":" + p;
  }

  private static String asciiHost(String url, String host) throws StageException {
    if (host.isEmpty()) {
      return host;
    }
    String decoded;
    try {
      decoded = decodeAll(host);
    } catch (IllegalArgumentException e) {
      throw invalid(
          "'"
              + shorten(url)
              + "' has a host with a broken %-escape: "
              + host
              + "; an escape is '%' and two hex digits 0-9, A-F");
    }
    String ascii;
    List<String> problems = new ArrayList<>();
    if (isPlainAscii(decoded)) {
      // WHATWG's shortcut: an ASCII name without xn-- labels is only lower-cased by UTS #46.
      ascii = decoded.toLowerCase(Locale.ROOT);
      for (String label : ascii.split("\\.")) {
        if (label.length() > 63) {
          problems.add(LABEL_TOO_LONG);
          break;
        }
      }
    } else {
      IDNA.Info info = new IDNA.Info();
      ascii =
          Uts46.INSTANCE.nameToASCII(decoded, new StringBuilder(decoded.length()), info).toString();
      for (IDNA.Error error : info.getErrors()) {
        if (!Uts46.IGNORED_ERRORS.contains(error)) {
          problems.add(describe(error));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw invalid(
          "'"
              + shorten(url)
              + "' has an invalid host name '"
              + decoded
              + "': "
              + String.join("; ", problems)
              + " (host names are mapped by UTS #46, IDNA2008, as browsers map them)");
    }
    if (!HOST_LABELS.matcher(ascii).matches()) {
      // What UTS #46 leaves outside [a-z0-9_-] and dots: WHATWG's forbidden host code points
      // (mapped ones too, such as a fullwidth solidus to '/') and ASCII punctuation.
      Matcher bad = NOT_IN_HOST.matcher(ascii);
      throw invalid(
          "'"
              + shorten(url)
              + "' has an invalid host '"
              + decoded
              + "'"
              + (bad.find() ? " (it holds '" + bad.group() + "')" : "")
              + "; a host is dot-separated labels of letters, digits, '-' and '_'");
    }
    return ascii;
  }

  /** All ASCII, and no label starts with xn-- (in any case). */
  private static boolean isPlainAscii(String host) {
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c >= 0x80
          || ((i == 0 || host.charAt(i - 1) == '.') && host.regionMatches(true, i, "xn--", 0, 4))) {
        return false;
      }
    }
    return true;
  }

  /** What an IDNA error means, in words a user can act on. */
  private static String describe(IDNA.Error error) {
    return switch (error) {
      case BIDI -> "its right-to-left text breaks the bidi rule of RFC 5893";
      case CONTEXTJ -> "a zero-width joiner or non-joiner stands where RFC 5892 does not allow one";
      case CONTEXTO_DIGITS, CONTEXTO_PUNCTUATION ->
          "a character stands where RFC 5892 does not allow it";
      case DISALLOWED -> "it holds a character IDNA2008 does not allow in host names";
      case EMPTY_LABEL ->
          "it has an empty label (a leading dot, two dots in a row, or only characters that map to nothing)";
      case LABEL_TOO_LONG -> LABEL_TOO_LONG;
      case INVALID_ACE_LABEL, PUNYCODE -> "an xn-- label is not valid punycode";
      case LEADING_COMBINING_MARK -> "a label starts with a combining mark";
      default -> error.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    };
  }

  /** Decodes every %XX (ASCII hex digits) as UTF-8; used for host names only. */
  private static String decodeAll(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length() || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
          throw new IllegalArgumentException(s);
        }
        bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /**
   * Normalizes the percent-encoding of a path or query: unreserved escapes decoded, other escapes
   * upper-cased, a stray '%' as %25, characters not allowed raw encoded as UTF-8.
   */
  static String encode(String s, String extraAllowed) {
    StringBuilder out = new StringBuilder(s.length() + 8);
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
          int b = hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2));
          if (isUnreserved(b)) {
            out.append((char) b);
          } else {
            appendEscape(out, b);
          }
          i += 3;
        } else {
          out.append("%25");
          i++;
        }
        continue;
      }
      int cp = s.codePointAt(i);
      int len = Character.charCount(cp);
      if (cp < 0x80 && (isUnreserved(cp) || isSubDelim(cp) || extraAllowed.indexOf(cp) >= 0)) {
        out.append((char) cp);
      } else {
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          appendEscape(out, b & 0xff);
        }
      }
      i += len;
    }
    return out.toString();
  }

  /** RFC 3986, 5.2.4. */
  static String removeDotSegments(String path) {
    String in = path;
    StringBuilder out = new StringBuilder(path.length());
    while (!in.isEmpty()) {
      if (in.startsWith("../")) {
        in = in.substring(3);
      } else if (in.startsWith("./")) {
        in = in.substring(2);
      } else if (in.startsWith("/./")) {
        in = in.substring(2);
      } else if (in.equals("/.")) {
        in = "/";
      } else if (in.startsWith("/../")) {
        in = in.substring(3);
        dropLastSegment(out);
      } else if (in.equals("/..")) {
        in = "/";
        dropLastSegment(out);
      } else if (in.equals(".") || in.equals("..")) {
        in = "";
      } else {
        int next = in.indexOf('/', in.startsWith("/") ? 1 : 0);
        if (next < 0) {
          next = in.length();
        }
        out.append(in, 0, next);
        in = in.substring(next);
      }
    }
    return out.toString();
  }

  private static void dropLastSegment(StringBuilder out) {
    int slash = out.lastIndexOf("/");
    out.setLength(Math.max(slash, 0));
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static boolean isSubDelim(int c) {
    return "!$&'()*+,;=".indexOf(c) >= 0;
  }

  private static void appendEscape(StringBuilder out, int b) {
    out.append('%').append(HEX.charAt(b >> 4)).append(HEX.charAt(b & 0xf));
  }

  /** An ASCII hex digit's value, else -1 (Character.digit also takes non-ASCII digits). */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static String shorten(String url) {
    return url.length() <= 200 ? url : url.substring(0, 200) + "...";
  }

  private static StageException invalid(String message) {
    return new StageException(FetchKind.INVALID_URL, message);
  }
}
