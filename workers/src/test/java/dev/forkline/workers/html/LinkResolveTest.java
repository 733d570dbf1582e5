package dev.forkline.workers.html;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jsoup.internal.StringUtil;
import org.junit.jupiter.api.Test;

/** The fast link resolution gives jsoup's own answer for every form of link. */
class LinkResolveTest {
  private static final List<String> BASES =
      List.of(
          "http://127.0.0.1:8088/p/00001.html",
          "https://Example.com/a/b/c.html?x=1#top",
          "http://example.com",
          "http://user:pw@example.com/a/",
          "https://example.com:8443/",
          "http://example.com/a/../b/");

  private static final List<String> HREFS =
      List.of(
          "/p/00002.html",
          "/p/00002.html#frag",
          "/p/x.html?q=1&r=2",
          "/",
          "//other.org/x",
          "https://other.org/x/y",
          "http://other.org",
          "HTTP://Other.org/Y",
          "rel/page.html",
          "../up.html",
          "/a/./b",
          "/a/../b",
          "?only=query",
          "#only-fragment",
          " /spaced.html ",
          "/tab\there",
          "/ünïcode",
          "mailto:x@example.com",
          "javascript:void(0)",
          "");

  @Test
  void theFastPathAgreesWithJsoupOnEveryForm() {
    for (String base : BASES) {
      String origin = HtmlParser.origin(base);
      for (String href : HREFS) {
        assertEquals(
            StringUtil.resolve(base, href),
            HtmlParser.resolve(base, origin, href),
            () -> "base " + base + ", href '" + href + "'");
      }
    }
  }
}
