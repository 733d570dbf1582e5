package dev.forkline.workers.html;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The charset a page is decoded with, found as browsers find it (BOM, header, meta prescan). */
final class HtmlCharsets {
  private HtmlCharsets() {}

  /** How far into the body a {@code <meta>} charset is looked for. */
  static final int META_SCAN_BYTES = 4096;

  private static final Pattern COMMENT = Pattern.compile("<!--.*?(-->|$)", Pattern.DOTALL);
  private static final Pattern META_TAG =
      Pattern.compile("<meta[\\s/][^>]*>?", Pattern.CASE_INSENSITIVE);
  private static final Pattern ATTRIBUTE =
      Pattern.compile("([^\\s=/>]+)(?:\\s*=\\s*(?:\"([^\"]*)\"?|'([^']*)'?|([^\\s>]+)))?");
  private static final Pattern CHARSET_PARAM =
      Pattern.compile("charset\\s*=\\s*[\"']?\\s*([^\\s\"';,]+)", Pattern.CASE_INSENSITIVE);

  /** The decoded body and what decided its charset. */
  record Decoding(Charset charset, CharsetSource source, int offset) {}

  /** The charset of a body: its BOM, else the header's, else a {@code <meta>}'s, else UTF-8. */
  static Decoding decoding(byte[] body, String contentTypeHeader) {
    Decoding bom = bom(body);
    if (bom != null) {
      return bom;
    }
    Charset header = charset(headerCharset(contentTypeHeader));
    if (header != null) {
      return new Decoding(header, CharsetSource.HEADER, 0);
    }
    Charset meta = metaCharset(body);
    if (meta != null) {
      return new Decoding(meta, CharsetSource.META, 0);
    }
    return new Decoding(StandardCharsets.UTF_8, CharsetSource.DEFAULT, 0);
  }

  private static Decoding bom(byte[] b) {
    if (b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
      return new Decoding(StandardCharsets.UTF_8, CharsetSource.BOM, 3);
    }
    if (b.length >= 2 && (b[0] & 0xff) == 0xFE && (b[1] & 0xff) == 0xFF) {
      return new Decoding(StandardCharsets.UTF_16BE, CharsetSource.BOM, 2);
    }
    if (b.length >= 2 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE) {
      return new Decoding(StandardCharsets.UTF_16LE, CharsetSource.BOM, 2);
    }
    return null;
  }

  /** The media type of a Content-Type header, lower-case, or null if it names none. */
  static String mediaType(String header) {
    if (header == null) {
      return null;
    }
    int semi = header.indexOf(';');
    String type = (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    return type.indexOf('/') > 0 ? type : null;
  }

  private static String headerCharset(String header) {
    if (header == null) {
      return null;
    }
    int semi = header.indexOf(';');
    if (semi < 0) {
      return null;
    }
    Matcher m = CHARSET_PARAM.matcher(header.substring(semi + 1));
    return m.find() ? m.group(1) : null;
  }

  /** The first usable charset a {@code <meta>} near the start declares, per the HTML prescan. */
  private static Charset metaCharset(byte[] body) {
    String head =
        new String(body, 0, Math.min(body.length, META_SCAN_BYTES), StandardCharsets.ISO_8859_1);
    head = COMMENT.matcher(head).replaceAll(" ");
    Matcher tag = META_TAG.matcher(head);
    while (tag.find()) {
      String charsetAttr = null;
      String httpEquiv = null;
      String content = null;
      Matcher a = ATTRIBUTE.matcher(tag.group().substring(5));
      while (a.find()) {
        String name = a.group(1).toLowerCase(Locale.ROOT);
        String value =
            a.group(2) != null ? a.group(2) : a.group(3) != null ? a.group(3) : a.group(4);
        if (value == null) {
          continue;
        }
        switch (name) {
          case "charset" -> charsetAttr = charsetAttr == null ? value.trim() : charsetAttr;
          case "http-equiv" -> httpEquiv = httpEquiv == null ? value.trim() : httpEquiv;
          case "content" -> content = content == null ? value : content;
          default -> {}
        }
      }
      String label = charsetAttr;
      if (label == null && "content-type".equalsIgnoreCase(httpEquiv) && content != null) {
        Matcher m = CHARSET_PARAM.matcher(content);
        label = m.find() ? m.group(1) : null;
      }
      Charset charset = charset(label);
      if (charset != null) {
        // A meta found by an ASCII scan cannot be in UTF-16: the page is really UTF-8.
        return charset.name().startsWith("UTF-16") ? StandardCharsets.UTF_8 : charset;
      }
    }
    return null;
  }

  /** The charset a label names, with browsers' aliases applied; null if unknown or illegal. */
  static Charset charset(String label) {
    if (label == null || label.isBlank()) {
      return null;
    }
    String name = label.trim().toLowerCase(Locale.ROOT);
    name =
        switch (name) {
          case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "us-ascii", "ascii" ->
              "windows-1252";
          case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis" ->
              "windows-31j";
          case "x-user-defined" -> "windows-1252";
          default -> name;
        };
    try {
      return Charset.forName(name);
    } catch (IllegalArgumentException e) { // IllegalCharsetName- and UnsupportedCharsetException
      return null;
    }
  }
}
