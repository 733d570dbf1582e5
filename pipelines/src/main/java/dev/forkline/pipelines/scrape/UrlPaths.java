package dev.forkline.pipelines.scrape;

import java.nio.charset.StandardCharsets;

/**
 * The normal form of a URL's path and query for {@link UrlNormalizer}: percent-escapes normalized
 * (RFC 3986's unreserved characters decoded, the rest upper case), dot segments removed.
 */
final class UrlPaths {
  private static final String HEX = "0123456789ABCDEF";

  private UrlPaths() {}

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

  static boolean isUnreserved(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  static boolean isSubDelim(int c) {
    return "!$&'()*+,;=".indexOf(c) >= 0;
  }

  private static void appendEscape(StringBuilder out, int b) {
    out.append('%').append(HEX.charAt(b >> 4)).append(HEX.charAt(b & 0xf));
  }

  /** An ASCII hex digit's value, else -1 (Character.digit also takes non-ASCII digits). */
  static int hex(char c) {
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

  /** Whether {@code s[from, to)} is the segment {@code .} or {@code ..}. */
  static boolean isDotSegment(String s, int from, int to) {
    return (to - from == 1 && s.charAt(from) == '.')
        || (to - from == 2 && s.charAt(from) == '.' && s.charAt(from + 1) == '.');
  }
}
