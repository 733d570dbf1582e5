package dev.forkline.workers.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;

/** The counted text length equals jsoup's {@code text()} length, element by element. */
class TextLengthTest {

  private static int expected(Element e) {
    String text = e.text();
    return text.codePointCount(0, text.length());
  }

  /** Every element of {@code doc}, not only the body: each is a root with its own edges. */
  private static void assertSameForEveryElement(Document doc, String what) {
    for (Element e : doc.getAllElements()) {
      assertEquals(
          expected(e), TextLength.of(e), what + ": <" + e.tagName() + "> " + e.outerHtml());
    }
  }

  @Test
  void handWrittenEdges() {
    String[] pages = {
      "",
      "   ",
      "<p>Hello  <b>there</b> now! </p>",
      "<div>One</div>Two<span>three</span><div>four</div> <i>five</i>",
      "a<br>b<br><br>c<br> d",
      "<pre>  keep\n\n  this  </pre> after <pre>\tx\t</pre>",
      "<textarea>\n  raw\ttext </textarea><p>\u0001ctl\u0002</p>\u0003",
      "x\u00a0\u00a0y \u200b\u00ad z\u200b",
      "<p>\ud83d\ude00 emoji \ud83c</p><b>\udf89 split</b>",
      "<svg><![CDATA[  cdata  kept ]]></svg> tail",
      "<div><div><div><div><div><div><div><pre><span><span><span><span><span><span><b> deep"
          + "  text </b></span></span></span></span></span></span></pre></div></div></div></div>"
          + "</div></div></div>",
      "<table><tr><td>a</td><td> b </td></tr></table>c<ul><li>d<li>e</ul>",
      "<script>var x = '  not text ';</script><style>p {}</style> visible <!-- hidden -->",
      "</body> after body </html> after html",
      "<p> \n\t </p><p>\f\r</p> \u00a0 ",
    };
    for (String html : pages) {
      assertSameForEveryElement(Jsoup.parse(html), html);
    }
  }

  @Test
  void generatedPages() {
    Random rnd = new Random(20261127);
    for (int i = 0; i < 600; i++) {
      StringBuilder html = new StringBuilder();
      int parts = 1 + rnd.nextInt(60);
      for (int p = 0; p < parts; p++) {
        html.append(PIECES[rnd.nextInt(PIECES.length)]);
      }
      assertSameForEveryElement(Jsoup.parse(html.toString()), "page " + i + ": " + html);
    }
  }

  @Test
  void generatedXmlDocuments() {
    // The XML parser's tags are neither block nor whitespace-preserving: other branches.
    Random rnd = new Random(7);
    for (int i = 0; i < 200; i++) {
      StringBuilder xml = new StringBuilder("<r>");
      for (int p = 0, n = 1 + rnd.nextInt(30); p < n; p++) {
        xml.append(PIECES[rnd.nextInt(PIECES.length)].replace("<br>", "<br/>"));
      }
      xml.append("</r>");
      Document doc = Jsoup.parse(xml.toString(), "", Parser.xmlParser());
      assertSameForEveryElement(doc, "xml " + i + ": " + xml);
    }
  }

  @Test
  void theBundledSitePages() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(Path.of("..", "data", "site"))) {
      files = s.filter(f -> f.toString().endsWith(".html")).collect(Collectors.toList());
    }
    assertTrue(files.size() >= 20, "sample pages found: " + files.size());
    for (Path f : files) {
      Document doc = Jsoup.parse(f.toFile()); // some declare other charsets
      assertTrue(expected(doc.body()) > 0 || f.toString().contains("empty"), f + " has text");
      assertSameForEveryElement(doc, f.toString());
    }
  }

  private static final String[] PIECES = {
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<span>",
    "</span>",
    "<b>",
    "</b>",
    "<br>",
    "<pre>",
    "</pre>",
    "<textarea>",
    "</textarea>",
    "<li>",
    "<ul>",
    "</ul>",
    "<table><tr><td>",
    "</td></tr></table>",
    "<h1>",
    "</h1>",
    "<a href=x>",
    "</a>",
    "<svg><![CDATA[ c  d ]]></svg>",
    "<script> s  s </script>",
    "<!-- c -->",
    "<img src=i>",
    "<hr>",
    "<code>",
    "</code>",
    "text",
    " ",
    "  ",
    "\n",
    "\t",
    "\u00a0",
    "\u200b",
    "\u00ad",
    "\u0001",
    "\u001f",
    "\ud83d\ude00",
    "\ud83d",
    "\ude00",
    "&nbsp;",
    "&amp;",
    "&#x1F600;",
    "&#173;",
    "word one",
    " two ",
    "\r\n",
    "</body>",
    "</html>",
    "<title> t </title>",
    "<noscript> n </noscript>",
    "<plaintext>"
  };
}
