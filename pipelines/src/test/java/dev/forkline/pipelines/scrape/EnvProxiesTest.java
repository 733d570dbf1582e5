package dev.forkline.pipelines.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The proxies named by http_proxy, https_proxy and no_proxy, as curl and requests read them. */
class EnvProxiesTest {
  private static EnvProxies.Proxy proxyFor(Map<String, String> env, String url) {
    URI uri = URI.create(url);
    int port = uri.getPort() >= 0 ? uri.getPort() : url.startsWith("https") ? 443 : 80;
    return EnvProxies.from(env).forUri(uri, uri.getHost(), port);
  }

  @Test
  void httpAndHttpsUrlsUseTheirOwnVariable() {
    Map<String, String> env = Map.of("http_proxy", "http://p1:3128", "HTTPS_PROXY", "p2:8443");
    EnvProxies.Proxy http = proxyFor(env, "http://example.com/a");
    EnvProxies.Proxy https = proxyFor(env, "https://example.com/a");
    assertEquals("p1:3128", http.address().getHostString() + ":" + http.address().getPort());
    assertEquals("p2:8443", https.address().getHostString() + ":" + https.address().getPort());
  }

  @Test
  void thePortDefaultsTo80AndCredentialsBecomeBasicAuthorization() {
    EnvProxies.Proxy p =
        proxyFor(Map.of("http_proxy", "http://ann:p%40ss+w@proxy.lan/"), "http://example.com/");
    assertEquals(80, p.address().getPort());
    String expected =
        Base64.getEncoder().encodeToString("ann:p@ss+w".getBytes(StandardCharsets.UTF_8));
    assertEquals("Basic " + expected, p.authorization());
  }

  @Test
  void noProxyCoversHostsTheirSubdomainsPortsAndRanges() {
    Map<String, String> env =
        Map.of(
            "http_proxy",
            "http://proxy:3128",
            "no_proxy",
            "internal.example, .corp.lan,*.wild.org, api.example.com:8080, 10.0.0.0/8");
    assertNull(proxyFor(env, "http://internal.example/"));
    assertNull(proxyFor(env, "http://a.b.internal.example/"));
    assertNull(proxyFor(env, "http://corp.lan/"));
    assertNull(proxyFor(env, "http://x.corp.lan/"));
    assertNull(proxyFor(env, "http://x.wild.org/"));
    assertNull(proxyFor(env, "http://api.example.com:8080/"));
    assertNotNull(proxyFor(env, "http://api.example.com/"));
    assertNull(proxyFor(env, "http://10.20.30.40/"));
    assertNotNull(proxyFor(env, "http://11.0.0.1/"));
    assertNotNull(proxyFor(env, "http://notinternal.example/"));
  }

  @Test
  void noProxyStarBypassesEverything() {
    assertNull(proxyFor(Map.of("http_proxy", "proxy:3128", "no_proxy", "*"), "http://a.com/"));
  }

  @Test
  void loopbackHostsNeverGoThroughAProxy() {
    Map<String, String> env = Map.of("http_proxy", "proxy:3128");
    assertNull(proxyFor(env, "http://127.0.0.1:8088/"));
    assertNull(proxyFor(env, "http://localhost:8088/"));
    assertNull(proxyFor(env, "http://[::1]:8088/"));
  }

  @Test
  void aProxyThatIsNotPlainHttpIsNotUsed() {
    assertNull(proxyFor(Map.of("http_proxy", "socks5://proxy:1080"), "http://example.com/"));
    assertNull(proxyFor(Map.of("http_proxy", "http://"), "http://example.com/"));
  }

  @Test
  void upperCaseHttpProxyIsIgnoredAsCurlDoes() {
    // A CGI server puts a request's "Proxy:" header in HTTP_PROXY (httpoxy).
    assertNull(proxyFor(Map.of("HTTP_PROXY", "http://evil:3128"), "http://example.com/"));
    assertNotNull(proxyFor(Map.of("HTTPS_PROXY", "http://p:3128"), "https://example.com/"));
  }

  @Test
  void aProxyPasswordIsNeverPrintedInAWarning() {
    PrintStream before = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      EnvProxies.from(Map.of("http_proxy", "socks5://ann:s3cret@proxy:1080"));
      EnvProxies.from(Map.of("https_proxy", "http://ann:s3cret@proxy:12ab"));
    } finally {
      System.setErr(before);
    }
    String printed = err.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("http_proxy") && printed.contains("https_proxy"), printed);
    assertFalse(printed.contains("s3cret"), printed);
  }
}
