package dev.forkline.pipelines.scrape;

import static dev.forkline.pipelines.scrape.UrlNormalizer.invalid;
import static dev.forkline.pipelines.scrape.UrlNormalizer.shorten;

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
 * The authority of a URL for {@link UrlNormalizer}: user info refused, IPv6 literals checked, ports
 * checked and defaults dropped, host names percent-decoded and mapped to ASCII by UTS #46.
 */
final class UrlHosts {
  private static final Pattern HOST_LABELS = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*\\.?");
  private static final Pattern NOT_IN_HOST = Pattern.compile("[^a-z0-9_.-]");
  private static final String LABEL_TOO_LONG = "a label is longer than 63 bytes";

  private UrlHosts() {}

  /**
   * WHATWG URL's domain to ASCII: CheckBidi, CheckJoiners, nontransitional, no STD3 rules (the host
   * pattern refuses what STD3 would); thread-safe. In a holder, so that a list of ASCII hosts never
   * pays for loading ICU's data.
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
   * {@code host[:port]} of {@code authority} (of {@code url}, for messages) in normal form: the
   * host in lower case and ASCII, the scheme's default port dropped.
   *
   * @throws StageException kind {@code invalid-url} for user info, a bad host or a bad port
   */
  static String hostPort(String url, String scheme, String authority) throws StageException {
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
    List<String> problems = new ArrayList<>();
    String ascii = toAscii(decoded, problems);
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

  /** {@code decoded} mapped by UTS #46, adding what is wrong with it to {@code problems}. */
  private static String toAscii(String decoded, List<String> problems) {
    String ascii;
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
        if (i + 2 >= s.length()
            || UrlPaths.hex(s.charAt(i + 1)) < 0
            || UrlPaths.hex(s.charAt(i + 2)) < 0) {
          throw new IllegalArgumentException(s);
        }
        bytes.write(UrlPaths.hex(s.charAt(i + 1)) * 16 + UrlPaths.hex(s.charAt(i + 2)));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
