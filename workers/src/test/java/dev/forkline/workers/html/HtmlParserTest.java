package dev.forkline.workers.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlParserTest {
  private static final String URL = "https://shop.example/catalog/teas/green.html";
  private final HtmlParser parser = new HtmlParser();

  private ParsedPage parse(String html, ExtractRule... rules) {
    return parser.parse(
        html.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8", URL, List.of(rules));
  }

  private static final String PAGE =
      """
      <!DOCTYPE html>
      <html lang="en-GB">
      <head>
        <title>
          Green   tea
        </title>
        <meta name="Description" content="  Loose-leaf green teas.  ">
        <link rel="alternate stylesheet" href="/alt.css">
        <link rel="Canonical" href="../teas/green.html?ref=x">
        <script>var hidden = "not text";</script>
        <style>body { color: red }</style>
      </head>
      <body>
        <h1>Green teas</h1>
        <p class="price">€4.50</p>
        <a href="sencha.html">Sencha</a>
        <a href="/">Home</a>
        <a href="sencha.html#reviews">Sencha reviews</a>
        <a href="HTTPS://other.example/x#y">Elsewhere</a>
        <a href="mailto:shop@shop.example">Mail</a>
        <a href="javascript:void(0)">JS</a>
        <a href="ftp://files.example/a">FTP</a>
        <a href="#top">Top</a>
        <map><area href="matcha.html" alt="Matcha"></map>
        <img src="img/leaf.png" alt="Leaf">
        <img alt="no source">
        <img src="//cdn.example/img/cup.png">
      </body>
      </html>
      """;

  @Test
  void titleIsTrimmedAndWhitespaceNormalised() {
    assertEquals("Green tea", parse(PAGE).title());
  }

  @Test
  void descriptionComesFromTheMetaWhateverTheNameCase() {
    assertEquals("Loose-leaf green teas.", parse(PAGE).description());
  }

  @Test
  void canonicalIsAbsoluteAndFoundAmongOtherRels() {
    assertEquals("https://shop.example/catalog/teas/green.html?ref=x", parse(PAGE).canonicalUrl());
  }

  @Test
  void languageComesFromTheHtmlElement() {
    assertEquals("en-GB", parse(PAGE).language());
  }

  @Test
  void languageFallsBackToTheContentLanguageMeta() {
    ParsedPage page =
        parse("<html><head><meta http-equiv=content-language content='de, en'></head></html>");
    assertEquals("de", page.language());
  }

  @Test
  void missingMetadataIsNull() {
    ParsedPage page = parse("<html><body><p>hi</p></body></html>");
    assertNull(page.title());
    assertNull(page.description());
    assertNull(page.canonicalUrl());
    assertNull(page.language());
    assertTrue(page.html());
  }

  @Test
  void linksAreAbsoluteHttpOnlyDedupedWithoutFragmentsInPageOrder() {
    assertEquals(
        List.of(
            "https://shop.example/catalog/teas/sencha.html",
            "https://shop.example/",
            "https://other.example/x",
            "https://shop.example/catalog/teas/green.html",
            "https://shop.example/catalog/teas/matcha.html"),
        parse(PAGE).links());
    assertFalse(parse(PAGE).linksTruncated());
  }

  @Test
  void linksResolveAgainstABaseElement() {
    ParsedPage page =
        parse("<html><head><base href='https://cdn.example/root/'></head><a href='a.html'>a</a>");
    assertEquals(List.of("https://cdn.example/root/a.html"), page.links());
  }

  @Test
  void linksAreCappedAndTheCapIsReported() {
    StringBuilder html = new StringBuilder("<html><body>");
    for (int i = 0; i <= HtmlParser.MAX_LINKS; i++) {
      html.append("<a href='/p").append(i).append("'>p</a>");
    }
    ParsedPage page = parse(html.toString());
    assertEquals(HtmlParser.MAX_LINKS, page.links().size());
    assertEquals("https://shop.example/p0", page.links().get(0));
    assertTrue(page.linksTruncated());
  }

  @Test
  void textLengthCountsVisibleBodyTextOnly() {
    // "Green teas €4.50 Sencha Home Sencha reviews Elsewhere Mail JS FTP Top": no script or style.
    String expected = "Green teas €4.50 Sencha Home Sencha reviews Elsewhere Mail JS FTP Top";
    assertEquals(expected.length(), parse(PAGE).textLength());
  }

  @Test
  void textLengthCountsCodePointsNotUtf16Units() {
    assertEquals(3, parse("<html><body>a😀b</body></html>").textLength());
  }

  @Test
  void sha256IsOfTheRawBytes() throws Exception {
    byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    assertEquals(expected, parser.parse(body, "text/html", URL, List.of()).sha256());
    assertEquals(body.length, parser.parse(body, "text/html", URL, List.of()).bodyLength());
  }

  @Test
  void aNonHtmlTypeKeepsMetadataAndSkipsExtraction() {
    byte[] body = "{\"a\": \"<html><title>x</title>\"}".getBytes(StandardCharsets.UTF_8);
    ParsedPage page =
        parser.parse(
            body,
            "Application/JSON; charset=utf-8",
            URL,
            List.of(ExtractRule.text("title_text", "title")));
    assertFalse(page.html());
    assertEquals("application/json", page.contentType());
    assertEquals(CharsetSource.HEADER, page.charsetSource());
    assertEquals(body.length, page.bodyLength());
    assertEquals(64, page.sha256().length());
    assertNull(page.title());
    assertTrue(page.links().isEmpty());
    assertTrue(page.fields().isEmpty());
  }

  @Test
  void xhtmlIsHtml() {
    byte[] body = "<html><title>x</title></html>".getBytes(StandardCharsets.UTF_8);
    assertTrue(parser.parse(body, "application/xhtml+xml", URL, List.of()).html());
  }

  @Test
  void withoutATypeADoctypeIsSniffedAsHtml() {
    byte[] body = "\n  <!DOCTYPE HTML><title>x</title>".getBytes(StandardCharsets.UTF_8);
    ParsedPage page = parser.parse(body, null, URL, List.of());
    assertTrue(page.html());
    assertNull(page.contentType());
    assertEquals("x", page.title());
  }

  @Test
  void withoutATypePlainTextIsNotHtml() {
    byte[] body = "just some text, <b>not</b> a page".getBytes(StandardCharsets.UTF_8);
    assertFalse(parser.parse(body, null, URL, List.of()).html());
    assertFalse(parser.parse(body, "charset=utf-8", URL, List.of()).html());
  }

  @Test
  void ruleTextTakesTheFirstMatchNormalised() {
    ParsedPage page =
        parse(
            "<html><body><h2> One \n two </h2><h2>Three</h2></body></html>",
            ExtractRule.text("heading", "h2"));
    assertEquals(List.of("One two"), page.fields().get("heading"));
    assertEquals("One two", page.field("heading"));
  }

  @Test
  void ruleHtmlTakesInnerHtmlAsWritten() {
    ParsedPage page =
        parse(
            "<div id=d><p>a <b>b</b></p>\n<p>c</p></div>",
            new ExtractRule("inner", "#d", "html", false));
    assertEquals("<p>a <b>b</b></p>\n<p>c</p>", page.field("inner"));
  }

  @Test
  void ruleOuterHtmlIncludesTheElement() {
    ParsedPage page =
        parse("<p class=price>€4.50</p>", new ExtractRule("price", "p.price", "outer-html", false));
    assertEquals("<p class=\"price\">€4.50</p>", page.field("price"));
  }

  @Test
  void ruleHrefAndSrcAreAbsolute() {
    ParsedPage page =
        parse(
            PAGE,
            new ExtractRule("image", "img", "src", false),
            new ExtractRule("first_link", "a", "href", false));
    assertEquals("https://shop.example/catalog/teas/img/leaf.png", page.field("image"));
    assertEquals("https://shop.example/catalog/teas/sencha.html", page.field("first_link"));
  }

  @Test
  void ruleOtherAttributesAreTakenAsWritten() {
    ParsedPage page =
        parse(
            "<span data-sku='T-01'>a</span><img src=a.png alt=Leaf>",
            new ExtractRule("sku", "[data-sku]", "data-sku", false),
            new ExtractRule("alt", "img", "alt", false));
    assertEquals("T-01", page.field("sku"));
    assertEquals("Leaf", page.field("alt"));
  }

  @Test
  void ruleAllTakesEveryMatchSkippingElementsWithoutTheAttribute() {
    ParsedPage page = parse(PAGE, new ExtractRule("images", "img", "src", true));
    assertEquals(
        List.of(
            "https://shop.example/catalog/teas/img/leaf.png", "https://cdn.example/img/cup.png"),
        page.fields().get("images"));
  }

  @Test
  void aRuleThatMatchesNothingGivesAnEmptyList() {
    ParsedPage page = parse(PAGE, ExtractRule.text("author", "meta[name=author]"));
    assertEquals(List.of(), page.fields().get("author"));
    assertNull(page.field("author"));
  }

  @Test
  void fieldsKeepRuleOrder() {
    ParsedPage page =
        parse(PAGE, ExtractRule.text("zeta", "h1"), ExtractRule.text("alpha", "p.price"));
    assertEquals(List.of("zeta", "alpha"), List.copyOf(page.fields().keySet()));
  }

  @Test
  void anAllRuleStopsAtTheCharacterCap() {
    // outer-html of every nested div: the sum grows with the square of the depth (about 1.5 GB).
    int depth = 20_000;
    String html = "<html><body>" + "<div>".repeat(depth) + "x" + "</div>".repeat(depth);
    ParsedPage page = parse(html, new ExtractRule("divs", "div", "outer-html", true));
    List<String> values = page.fields().get("divs");
    assertTrue(values.size() < 10, values.size() + " values");
    assertTrue(values.get(0).startsWith("<div><div>"), values.get(0).substring(0, 20));
  }

  @Test
  void anAllRuleStopsAtTheValueCap() {
    String html = "<html><body>" + "<i>x</i>".repeat(HtmlParser.MAX_FIELD_VALUES + 5);
    ParsedPage page = parse(html, new ExtractRule("xs", "i", "text", true));
    assertEquals(HtmlParser.MAX_FIELD_VALUES, page.fields().get("xs").size());
  }

  @Test
  void deepNestingDoesNotOverflowTheStack() {
    int depth = 100_000;
    String html =
        "<html><body>"
            + "<div>".repeat(depth)
            + "<span id=deep>bottom</span>"
            + "</div>".repeat(depth);
    // On a thread with a small stack, so recursion proportional to depth would surely overflow.
    ParsedPage[] result = new ParsedPage[1];
    Throwable[] error = new Throwable[1];
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                result[0] =
                    parse(
                        html,
                        ExtractRule.text("deep", "#deep"),
                        new ExtractRule("outer", "body", "outer-html", false));
              } catch (Throwable e) {
                error[0] = e;
              }
            },
            "small-stack",
            256 * 1024);
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          t.start();
          t.join();
        });
    if (error[0] != null) {
      throw new AssertionError("parse failed on deep nesting", error[0]);
    }
    assertEquals("bottom", result[0].field("deep"));
    assertEquals("bottom".length(), result[0].textLength());
    assertTrue(result[0].field("outer").length() > depth * "<div></div>".length());
  }

  @Test
  void largeInputsParseInTimeLinearInTheirSize() {
    // Unclosed formatting elements and table cells are the parser's costly cases; 8x the input
    // must not cost 64x the time. Timed twice with a warm-up; a generous factor for a busy CI box.
    String unit = "<p><b><i><a href=x>t<table><tr><td>c";
    long small = bestOf(unit.repeat(5_000));
    long large = bestOf(unit.repeat(40_000));
    assertTrue(large < Math.max(small, 5_000_000) * 24, "small " + small + " ns, large " + large);
  }

  private long bestOf(String html) {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      parse(html);
      best = Math.min(best, System.nanoTime() - start);
    }
    return best;
  }
}
