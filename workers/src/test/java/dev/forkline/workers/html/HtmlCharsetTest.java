package dev.forkline.workers.html;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlCharsetTest {
  private static final String URL = "http://example.test/page.html";
  private final HtmlParser parser = new HtmlParser();

  private static byte[] bytes(String s, Charset charset) {
    return s.getBytes(charset);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private ParsedPage parse(byte[] body, String contentType) {
    return parser.parse(body, contentType, URL, List.of());
  }

  @Test
  void theHeaderCharsetBeatsTheMeta() {
    Charset latin9 = Charset.forName("ISO-8859-15");
    byte[] body =
        bytes("<html><head><meta charset=utf-8><title>Prix 5 €</title></head></html>", latin9);
    ParsedPage page = parse(body, "text/html; charset=\"ISO-8859-15\"");
    assertEquals(CharsetSource.HEADER, page.charsetSource());
    assertEquals("ISO-8859-15", page.charset());
    assertEquals("Prix 5 €", page.title());
  }

  @Test
  void aUtf8BomIsUsedAndNotPartOfTheText() {
    byte[] body =
        concat(
            new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
            bytes("<title>Grüße</title><p>x", StandardCharsets.UTF_8));
    ParsedPage page = parse(body, "text/html");
    assertEquals(CharsetSource.BOM, page.charsetSource());
    assertEquals("UTF-8", page.charset());
    assertEquals("Grüße", page.title());
    assertEquals(1, page.textLength());
  }

  @Test
  void aUtf16LeBomDecodesTheBody() {
    byte[] body =
        concat(
            new byte[] {(byte) 0xFF, (byte) 0xFE},
            bytes("<!doctype html><title>Ελληνικά</title>", StandardCharsets.UTF_16LE));
    ParsedPage page = parse(body, null);
    assertEquals(CharsetSource.BOM, page.charsetSource());
    assertEquals("UTF-16LE", page.charset());
    assertEquals("Ελληνικά", page.title());
  }

  @Test
  void aUtf16BeBomBeatsAContradictingHeader() {
    byte[] body =
        concat(
            new byte[] {(byte) 0xFE, (byte) 0xFF},
            bytes("<title>Čeština</title>", StandardCharsets.UTF_16BE));
    ParsedPage page = parse(body, "text/html; charset=iso-8859-1");
    assertEquals(CharsetSource.BOM, page.charsetSource());
    assertEquals("UTF-16BE", page.charset());
    assertEquals("Čeština", page.title());
  }

  @Test
  void aMetaCharsetIsUsedWithoutAHeaderCharset() {
    byte[] body =
        bytes(
            "<html><head><meta charset=\"windows-1252\"><title>Café</title></head></html>",
            Charset.forName("windows-1252"));
    ParsedPage page = parse(body, "text/html");
    assertEquals(CharsetSource.META, page.charsetSource());
    assertEquals("windows-1252", page.charset());
    assertEquals("Café", page.title());
  }

  @Test
  void aMetaHttpEquivContentTypeIsUsed() {
    byte[] body =
        bytes(
            "<html><head><META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=ISO-8859-2'>"
                + "<title>Łódź</title></head></html>",
            Charset.forName("ISO-8859-2"));
    ParsedPage page = parse(body, null);
    assertEquals(CharsetSource.META, page.charsetSource());
    assertEquals("ISO-8859-2", page.charset());
    assertEquals("Łódź", page.title());
  }

  @Test
  void aMetaInsideACommentIsIgnored() {
    byte[] body =
        bytes(
            "<html><head><!-- <meta charset=windows-1252> --><title>é</title></head></html>",
            StandardCharsets.UTF_8);
    ParsedPage page = parse(body, "text/html");
    assertEquals(CharsetSource.DEFAULT, page.charsetSource());
    assertEquals("é", page.title());
  }

  @Test
  void aMetaPastTheScanWindowIsIgnored() {
    String padding = "<!-- " + "x".repeat(HtmlParser.META_SCAN_BYTES) + " -->";
    byte[] body =
        bytes(
            "<html><head>" + padding + "<meta charset=windows-1252><title>é</title></head></html>",
            StandardCharsets.UTF_8);
    ParsedPage page = parse(body, "text/html");
    assertEquals(CharsetSource.DEFAULT, page.charsetSource());
    assertEquals("é", page.title());
  }

  @Test
  void withNoDeclarationTheDefaultIsUtf8() {
    byte[] body = bytes("<html><title>日本</title></html>", StandardCharsets.UTF_8);
    ParsedPage page = parse(body, "text/html");
    assertEquals(CharsetSource.DEFAULT, page.charsetSource());
    assertEquals("UTF-8", page.charset());
    assertEquals("日本", page.title());
  }

  @Test
  void anUnknownHeaderCharsetFallsThroughToTheMeta() {
    byte[] body =
        bytes(
            "<html><head><meta charset=windows-1252><title>naïve</title></head></html>",
            Charset.forName("windows-1252"));
    ParsedPage page = parse(body, "text/html; charset=foo-bar");
    assertEquals(CharsetSource.META, page.charsetSource());
    assertEquals("naïve", page.title());
  }

  @Test
  void anIllegalCharsetNameFallsThroughToTheDefault() {
    byte[] body =
        bytes(
            "<html><head><meta charset=\"@@bad name!!\"><title>ok ü</title></head></html>",
            StandardCharsets.UTF_8);
    ParsedPage page = parse(body, "text/html; charset=\"\u00e9\u00e9\"");
    assertEquals(CharsetSource.DEFAULT, page.charsetSource());
    assertEquals("UTF-8", page.charset());
    assertEquals("ok ü", page.title());
  }

  @Test
  void windows1252PunctuationDecodesRight() {
    // 0x93/0x94 are curly quotes and 0x80 is the euro sign in windows-1252 (C1 controls in 8859-1).
    byte[] body =
        concat(
            bytes("<html><head><meta charset=windows-1252><title>", StandardCharsets.US_ASCII),
            new byte[] {(byte) 0x93, 'h', 'i', (byte) 0x94, ' ', (byte) 0x80, '5'},
            bytes("</title></head></html>", StandardCharsets.US_ASCII));
    ParsedPage page = parse(body, "text/html");
    assertEquals("\u201chi\u201d €5", page.title());
  }

  @Test
  void anIso88591LabelIsDecodedAsWindows1252LikeBrowsersDo() {
    byte[] body =
        concat(
            bytes("<title>", StandardCharsets.US_ASCII),
            new byte[] {(byte) 0x80, (byte) 0xE9},
            bytes("</title>", StandardCharsets.US_ASCII));
    ParsedPage page = parse(body, "text/html; charset=ISO-8859-1");
    assertEquals("windows-1252", page.charset());
    assertEquals("€é", page.title());
  }

  @Test
  void aShiftJisPageDecodesRight() {
    String title = "日本語のページ①";
    byte[] body =
        bytes(
            "<html lang=ja><head><meta http-equiv=\"Content-Type\""
                + " content=\"text/html; charset=Shift_JIS\"><title>"
                + title
                + "</title></head><body>こんにちは</body></html>",
            Charset.forName("windows-31j"));
    ParsedPage page = parse(body, "text/html");
    assertEquals(CharsetSource.META, page.charsetSource());
    assertEquals("windows-31j", page.charset());
    assertEquals(title, page.title());
    assertEquals(5, page.textLength());
  }

  @Test
  void malformedBytesBecomeReplacementCharacters() {
    byte[] body =
        concat(
            bytes("<title>a", StandardCharsets.US_ASCII),
            new byte[] {(byte) 0xFF, (byte) 0xC3},
            bytes("b</title>", StandardCharsets.US_ASCII));
    ParsedPage page = parse(body, "text/html; charset=utf-8");
    assertEquals("a\uFFFD\uFFFDb", page.title());
  }
}
