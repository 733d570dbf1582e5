package dev.forkline.pipelines.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.exec.StageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UrlNormalizerTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "HTTP://Example.COM/a, http://example.com/a",
    "http://example.com, http://example.com/",
    "http://example.com:80/x, http://example.com/x",
    "https://example.com:443/x, https://example.com/x",
    "https://example.com:8443/x, https://example.com:8443/x",
    "http://example.com:8080, http://example.com:8080/",
    "http://example.com/a#frag, http://example.com/a",
    "http://example.com/a/./b/../c, http://example.com/a/c",
    "http://example.com/../../a, http://example.com/a",
    "http://example.com/a/%2e%2E/b, http://example.com/b",
    "http://example.com/%7euser/%41, http://example.com/~user/A",
    "http://example.com/a%2fb%3a, http://example.com/a%2Fb%3A",
    "http://example.com/100%, http://example.com/100%25",
    "http://example.com/caf\u00e9, http://example.com/caf%C3%A9",
    "http://example.com/a?b=c&d=%7e#x, http://example.com/a?b=c&d=~",
    "http://example.com/a?, http://example.com/a",
    "http://b\u00fccher.example/, http://xn--bcher-kva.example/",
    "http://B%C3%BCcher.example/, http://xn--bcher-kva.example/",
    "'  http://example.com/a  ', http://example.com/a",
    "http://[::1]:8080/x, http://[::1]:8080/x",
    "http://127.0.0.1/, http://127.0.0.1/",
    "http://xn--fa-hia.de/, http://xn--fa-hia.de/",
    "http://XN--BCHER-KVA.example/, http://xn--bcher-kva.example/",
    "http://\uff25xample.com/, http://example.com/",
    "http://-A.example/, http://-a.example/",
    "http://ex_ample.com./, http://ex_ample.com./",
  })
  void normalizes(String raw, String expected) throws StageException {
    assertEquals(expected, UrlNormalizer.normalize(raw));
  }

  @ParameterizedTest(name = "[{index}] '{0}'")
  @ValueSource(
      strings = {
        "file:///etc/passwd",
        "ftp://example.com/x",
        "javascript:alert(1)",
        "mailto:someone@example.com",
        "example.com/no-scheme",
        "http:/one-slash",
        "http://",
        "http://:80/",
        "http://exa mple.com/",
        "http://example.com/a b",
        "http://example.com:99999/",
        "http://example.com:abc/",
        "http://user:pw@example.com/",
        "http://exa<mple.com/",
        "",
        "   ",
      })
  void refuses(String raw) {
    StageException e = assertThrows(StageException.class, () -> UrlNormalizer.normalize(raw));
    assertEquals(FetchKind.INVALID_URL.label(), e.kind());
  }

  /**
   * Only ASCII hex digits make an escape (WHATWG URL's percent-decode): a '%' before anything else
   * is a literal '%', which the normal form writes as %25, and the characters after it are encoded
   * as themselves. Character.digit took Arabic-Indic and fullwidth digits too: '/%\u0664\u0661'
   * became '/A'.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "http://example.com/%\u0664\u0661, http://example.com/%25%D9%A4%D9%A1",
    "http://example.com/%\uff14\uff11, http://example.com/%25%EF%BC%94%EF%BC%91",
    "http://example.com/?q=%\u0664\u0661, http://example.com/?q=%25%D9%A4%D9%A1",
  })
  void aPercentEscapeTakesAsciiHexDigitsOnly(String raw, String expected) throws StageException {
    assertEquals(expected, UrlNormalizer.normalize(raw));
  }

  @Test
  void aHostEscapeWithNonAsciiDigitsIsRefused() {
    StageException e =
        assertThrows(
            StageException.class, () -> UrlNormalizer.normalize("http://ex%\u0664\u0661mple.com/"));
    assertEquals(FetchKind.INVALID_URL.label(), e.kind());
  }

  /**
   * UTS #46 nontransitional processing (IDNA2008), as browsers map host names: the deviation
   * characters ß and final ς are kept, not mapped to ss and σ as IDNA2003 does.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "http://fa\u00df.de/, http://xn--fa-hia.de/",
    "http://\u03b2\u03cc\u03bb\u03bf\u03c2.com/, http://xn--nxasmm1c.com/",
  })
  void mapsIdnHostsByUts46Nontransitional(String raw, String expected) throws StageException {
    assertEquals(expected, UrlNormalizer.normalize(raw));
  }

  /** Hosts IDNA2008 refuses and IDNA2003 took: each is an invalid-url naming host and problem. */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "http://xn--abc.de/, punycode",
    "http://a\u200db.com/, zero-width joiner",
    "http://\u0661\u0662.com/, bidi rule",
  })
  void refusesHostsIdna2008Refuses(String raw, String problem) {
    StageException e = assertThrows(StageException.class, () -> UrlNormalizer.normalize(raw));
    assertEquals(FetchKind.INVALID_URL.label(), e.kind());
    String host = raw.substring("http://".length(), raw.length() - 1);
    assertTrue(e.getMessage().contains("'" + host + "'"), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }

  /** A fullwidth solidus maps to '/' under UTS #46: a forbidden host code point, named. */
  @Test
  void aHostMappedToAForbiddenCharacterIsRefusedNamingIt() {
    StageException e =
        assertThrows(StageException.class, () -> UrlNormalizer.normalize("http://a\uff0fb.com/"));
    assertEquals(FetchKind.INVALID_URL.label(), e.kind());
    assertTrue(e.getMessage().contains("(it holds '/')"), e.getMessage());
  }

  @Test
  void refusalSaysWhatIsAccepted() {
    StageException e =
        assertThrows(StageException.class, () -> UrlNormalizer.normalize("ftp://example.com/x"));
    assertTrue(e.getMessage().contains("only http and https"), e.getMessage());
  }

  @Test
  void refusesOverlongUrls() {
    String url = "http://example.com/" + "a".repeat(UrlNormalizer.MAX_LENGTH);
    StageException e = assertThrows(StageException.class, () -> UrlNormalizer.normalize(url));
    assertEquals(FetchKind.INVALID_URL.label(), e.kind());
  }

  @ParameterizedTest(name = "{1} from {0}")
  @CsvSource({
    "http://example.com/a/b, c, http://example.com/a/c",
    "http://example.com/a/b, /c, http://example.com/c",
    "http://example.com/a/b, ../c, http://example.com/c",
    "http://example.com/a/b?q=1, ?r=2, http://example.com/a/b?r=2",
    "http://example.com/a/b, //other.example/x, http://other.example/x",
    "https://example.com/a, HTTP://Other.example:80/x#y, http://other.example/x",
    "http://example.com/a, /with space, http://example.com/with%20space",
  })
  void resolvesRedirectLocations(String base, String location, String expected)
      throws StageException {
    assertEquals(expected, UrlNormalizer.resolve(base, location));
  }

  @Test
  void resolveRefusesNonHttpTargets() {
    StageException e =
        assertThrows(
            StageException.class,
            () -> UrlNormalizer.resolve("http://example.com/", "ftp://example.com/file"));
    assertEquals(FetchKind.INVALID_URL.label(), e.kind());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://example.com/",
        "https://www.example.com/a/b.html",
        "http://127.0.0.1:8099/p/00001.html",
        "https://example.com/search?q=a+b&lang=en",
        "http://shop.example.co.uk/item/123;v=2?x=/y:z@w",
        "https://example.com/~user/it's(1)*!$,=",
      })
  void takesAUrlAlreadyInNormalFormAsItIs(String url) throws StageException {
    assertTrue(UrlNormalizer.alreadyNormal(url), url);
    assertEquals(url, UrlNormalizer.normalizeFully(url));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "HTTP://example.com/",
        "http://Example.com/",
        "http://example.com",
        "http://example.com:80/",
        "https://example.com:443/",
        "http://example.com:08080/",
        "http://example.com:/",
        "http://example.com./",
        "http://a..b/",
        "http://example.com/a/./b",
        "http://example.com/a/..",
        "http://example.com/%41",
        "http://example.com/a?",
        "http://example.com/a#f",
        "http://example.com/caf\u00e9",
        "http://ex_ample.com/",
        "http://xn--abc.de/",
        "http://a.xn--fa-hia.de/",
        "http://[::1]/",
        "http://user@example.com/",
        " http://example.com/",
      })
  void leavesAnythingElseToTheFullWay(String url) {
    assertTrue(!UrlNormalizer.alreadyNormal(url), url);
  }

  /**
   * The scan may only accept what the full way returns unchanged: URLs put together at random from
   * pieces that each matter to one of the rules (case, ports, dots, escapes, delimiters,
   * non-ASCII).
   */
  @Test
  void everyUrlTheScanAcceptsIsWhatTheFullWayReturns() {
    String[] starts = {"http://", "https://", "HTTP://", "http:/", "ftp://", "https://"};
    String[] hosts = {
      "a",
      "z",
      "0",
      "9",
      "-",
      ".",
      "..",
      "_",
      "A",
      "xn--",
      "a".repeat(63),
      "b".repeat(64),
      "%41",
      "\u00e9",
      "[::1]",
      "@",
      "example.com",
      "127.0.0.1"
    };
    String[] ports = {
      "", "", "", ":80", ":443", ":0", ":08", ":8080", ":65535", ":65536", ":123456"
    };
    String[] pieces = {
      "a", "z", "0", "9", "-", ".", "..", "_", "~", "A", "Z", ":", "@", "/", "//", "?", "#", "%",
      "%41", "%2f", "%2F", "%zz", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", "[", "]",
      " ", "\t", "\u00e9", "\"", "<", "|", "/./", "/../", "/.", "/..", "\ud83d"
    };
    java.util.Random random = new java.util.Random(20261127);
    int accepted = 0;
    for (int i = 0; i < 1_000_000; i++) {
      StringBuilder url = new StringBuilder(starts[random.nextInt(starts.length)]);
      for (int j = random.nextInt(4); j >= 0; j--) {
        url.append(hosts[random.nextInt(hosts.length)]);
      }
      url.append(ports[random.nextInt(ports.length)]);
      if (random.nextInt(8) > 0) {
        url.append('/');
      }
      for (int j = random.nextInt(10); j > 0; j--) {
        url.append(pieces[random.nextInt(pieces.length)]);
      }
      String candidate = url.toString();
      if (!UrlNormalizer.alreadyNormal(candidate)) {
        continue;
      }
      accepted++;
      try {
        assertEquals(candidate, UrlNormalizer.normalizeFully(candidate), candidate);
      } catch (StageException e) {
        throw new AssertionError("the scan accepted " + candidate + ": " + e.getMessage(), e);
      }
    }
    assertTrue(accepted > 10_000, accepted + " accepted: too few to tell");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://example.com/a",
        "https://example.com:8443/x?y",
        "http://[::1]:8080/x",
        "http://127.0.0.1/"
      })
  void theAuthorityOfANormalizedUrlIsUrisRawAuthority(String url) throws StageException {
    String normal = UrlNormalizer.normalize(url);
    assertEquals(java.net.URI.create(normal).getRawAuthority(), UrlNormalizer.authority(normal));
  }
}
