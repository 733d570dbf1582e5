package dev.forkline.pipelines.scrape;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxies named by the environment, as curl reads them: {@code http_proxy} for http URLs (lower
 * case only: a CGI server sets {@code HTTP_PROXY} from a request's {@code Proxy:} header, the
 * "httpoxy" problem), {@code https_proxy} or {@code HTTPS_PROXY} for https (through CONNECT),
 * {@code no_proxy} or {@code NO_PROXY} for the hosts that bypass them. A proxy is {@code
 * [http://][user:password@]host[:port]} (port 80 by default; the user and password are sent as
 * Basic {@code Proxy-Authorization}); {@code no_proxy} is a comma-separated list of host names
 * (which also cover their subdomains, with or without a leading dot), IP addresses, IPv4 ranges
 * ({@code 10.0.0.0/8}) or {@code *}, each optionally with {@code :port}. Loopback hosts never go
 * through a proxy (the demo site, local test servers).
 */
final class EnvProxies {
  private static final Logger LOG = LoggerFactory.getLogger(EnvProxies.class);

  /** An HTTP proxy: where it is, and the Proxy-Authorization value if it needs one. */
  record Proxy(InetSocketAddress address, String authorization) {}

  private static final EnvProxies NONE = new EnvProxies(null, null, List.of());

  private final Proxy http;
  private final Proxy https;
  private final List<String> noProxy;

  private EnvProxies(Proxy http, Proxy https, List<String> noProxy) {
    this.http = http;
    this.https = https;
    this.noProxy = noProxy;
  }

  /** The proxies {@code env} names; none for a setting that cannot be used (with a warning). */
  static EnvProxies from(Map<String, String> env) {
    Proxy http = parse(env, "http_proxy", false);
    Proxy https = parse(env, "https_proxy", true);
    if (http == null && https == null) {
      return NONE;
    }
    String bypass = value(env, "no_proxy", true);
    List<String> noProxy = new ArrayList<>();
    if (bypass != null) {
      for (String entry : bypass.split("[,\\s]+")) {
        String e = entry.strip().toLowerCase(Locale.ROOT);
        if (!e.isEmpty()) {
          noProxy.add(e);
        }
      }
    }
    return new EnvProxies(http, https, List.copyOf(noProxy));
  }

  /** The proxy for {@code uri} (http or https), or null to connect directly. */
  Proxy forUri(URI uri, String host, int port) {
    host = AddressGuard.unbracketed(host);
    Proxy proxy = "https".equalsIgnoreCase(uri.getScheme()) ? https : http;
    if (proxy == null || isLoopback(host) || bypassed(host, port)) {
      return null;
    }
    return proxy;
  }

  private boolean bypassed(String host, int port) {
    String h = host.toLowerCase(Locale.ROOT);
    for (String entry : noProxy) {
      if (entry.equals("*")) {
        return true;
      }
      String name = entry;
      int colon = entry.lastIndexOf(':');
      if (colon > 0 && entry.indexOf(':') == colon && entry.substring(colon + 1).matches("\\d+")) {
        if (Integer.parseInt(entry.substring(colon + 1)) != port) {
          continue;
        }
        name = entry.substring(0, colon);
      }
      name = AddressGuard.unbracketed(name);
      if (name.contains("/")) {
        if (inRange(h, name)) {
          return true;
        }
        continue;
      }
      if (name.startsWith("*.")) {
        name = name.substring(1);
      }
      if (name.startsWith(".")) {
        name = name.substring(1);
      }
      if (!name.isEmpty() && (h.equals(name) || h.endsWith("." + name))) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code host}, an IPv4 address, is in {@code cidr} (a.b.c.d/n). */
  private static boolean inRange(String host, String cidr) {
    int slash = cidr.indexOf('/');
    long address = ipv4(host);
    long network = ipv4(cidr.substring(0, slash));
    String bits = cidr.substring(slash + 1);
    if (address < 0 || network < 0 || !bits.matches("\\d{1,2}") || Integer.parseInt(bits) > 32) {
      return false;
    }
    int n = Integer.parseInt(bits);
    long mask = n == 0 ? 0 : (0xffffffffL << (32 - n)) & 0xffffffffL;
    return (address & mask) == (network & mask);
  }

  private static long ipv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return -1;
    }
    long v = 0;
    for (String p : parts) {
      if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > 255) {
        return -1;
      }
      v = (v << 8) | Integer.parseInt(p);
    }
    return v;
  }

  private static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost")
        || h.endsWith(".localhost")
        || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1")
        || (ipv4(h) >= 0 && h.startsWith("127."));
  }

  /** The variable {@code name} (lower case), else its upper-case name when {@code upperToo}. */
  private static String value(Map<String, String> env, String name, boolean upperToo) {
    String v = env.get(name);
    if ((v == null || v.isBlank()) && upperToo) {
      v = env.get(name.toUpperCase(Locale.ROOT));
    }
    return v == null || v.isBlank() ? null : v.strip();
  }

  /** {@code value} with the login of a proxy address in it replaced by {@code user:***}. */
  static String redacted(String value) {
    int start = value.indexOf("://");
    start = start < 0 ? 0 : start + 3;
    int end = value.indexOf('/', start);
    int at = value.lastIndexOf('@', (end < 0 ? value.length() : end) - 1);
    if (at < start) {
      return value;
    }
    int colon = value.indexOf(':', start);
    String user = value.substring(start, colon >= 0 && colon < at ? colon : at);
    return value.substring(0, start) + user + ":***" + value.substring(at);
  }

  private static Proxy parse(Map<String, String> env, String variable, boolean upperToo) {
    String raw = value(env, variable, upperToo);
    if (raw == null) {
      return null;
    }
    String lower = env.get(variable);
    String name = lower != null && !lower.isBlank() ? variable : variable.toUpperCase(Locale.ROOT);
    String value = redacted(raw);
    String spec = raw.contains("://") ? raw : "http://" + raw;
    try {
      URI uri = new URI(spec);
      if (!"http".equalsIgnoreCase(uri.getScheme())) {
        LOG.warn(
            "{}={} is not used: forkline talks to proxies in plain HTTP (http://host:port), not {}",
            name,
            value,
            uri.getScheme());
        return null;
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("no host");
      }
      String host = AddressGuard.unbracketed(uri.getHost());
      int port = uri.getPort() >= 0 ? uri.getPort() : 80;
      String authorization = null;
      if (uri.getRawUserInfo() != null) {
        String credentials =
            URLDecoder.decode(uri.getRawUserInfo().replace("+", "%2B"), StandardCharsets.UTF_8);
        authorization =
            "Basic "
                + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
      }
      return new Proxy(InetSocketAddress.createUnresolved(host, port), authorization);
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      LOG.warn(
          "{}={} is not used: it is not a proxy address like http://host:port ({})",
          name,
          value,
          e instanceof java.net.URISyntaxException u ? u.getReason() : e.getMessage());
      return null;
    }
  }

  /** The proxy's Proxy-Authorization value if {@code proxy} is one of these with a login. */
  String authorization(java.net.Proxy proxy) {
    if (proxy == null || !(proxy.address() instanceof InetSocketAddress a)) {
      return null;
    }
    for (Proxy p : new Proxy[] {http, https}) {
      if (p != null
          && p.authorization() != null
          && p.address().getHostString().equalsIgnoreCase(a.getHostString())
          && p.address().getPort() == a.getPort()) {
        return p.authorization();
      }
    }
    return null;
  }

  /** The proxies' host names, lower case. */
  Set<String> proxyHosts() {
    Set<String> hosts = new java.util.HashSet<>();
    for (Proxy p : new Proxy[] {http, https}) {
      if (p != null) {
        hosts.add(p.address().getHostString().toLowerCase(Locale.ROOT));
      }
    }
    return hosts;
  }

  /** These proxies as a {@link ProxySelector}; null when the environment names none. */
  ProxySelector selector() {
    if (this == NONE) {
      return null;
    }
    return new ProxySelector() {
      @Override
      public List<java.net.Proxy> select(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost();
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
        Proxy p = forUri(uri, host, port);
        return List.of(
            p == null
                ? java.net.Proxy.NO_PROXY
                : new java.net.Proxy(java.net.Proxy.Type.HTTP, p.address()));
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        // OkHttp tries the next route itself
      }
    };
  }
}
