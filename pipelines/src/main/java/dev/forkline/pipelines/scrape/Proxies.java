package dev.forkline.pipelines.scrape;

import java.io.IOException;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import okhttp3.Authenticator;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The proxies: the JVM's when it is told of one ({@code -Dhttp.proxyHost} and the like), else those
 * the environment names ({@link EnvProxies}), with their credentials.
 */
final class Proxies implements Authenticator {
  private final EnvProxies env;
  private final ProxySelector selector;

  private Proxies(EnvProxies env, ProxySelector selector) {
    this.env = env;
    this.selector = selector;
  }

  static Proxies of(Map<String, String> environment) {
    if (jvmProxySettings()) {
      return new Proxies(null, null); // OkHttp asks ProxySelector.getDefault()
    }
    EnvProxies env = EnvProxies.from(environment);
    return new Proxies(env, env.selector());
  }

  /** Null: OkHttp's default, the JVM's selector. */
  ProxySelector selector() {
    return selector;
  }

  /** Names of proxies (lower case), which the guard lets resolve to private addresses. */
  Set<String> hosts() {
    Set<String> hosts = new HashSet<>();
    if (env != null) {
      hosts.addAll(env.proxyHosts());
    }
    for (String p : List.of("http.proxyHost", "https.proxyHost", "socksProxyHost")) {
      String h = System.getProperty(p);
      if (h != null) {
        hosts.add(h.toLowerCase(Locale.ROOT));
      }
    }
    return hosts;
  }

  String authorization(Proxy proxy) {
    return env == null ? null : env.authorization(proxy);
  }

  /** Credentials before a tunnel is asked for; a 407 to them fails the fetch. */
  @Override
  public Request authenticate(okhttp3.Route route, Response response) throws IOException {
    String authorization = route == null ? null : authorization(route.proxy());
    if (authorization == null) {
      return null;
    }
    boolean preemptive =
        response.challenges().stream().anyMatch(c -> c.scheme().equals("OkHttp-Preemptive"));
    if (!preemptive) {
      throw new ProxyRefusedException(
          "the proxy "
              + route.proxy().address()
              + " refused the credentials from the environment: "
              + response.code()
              + " "
              + response.message());
    }
    return response.request().newBuilder().header("Proxy-Authorization", authorization).build();
  }

  private static boolean jvmProxySettings() {
    return System.getProperty("http.proxyHost") != null
        || System.getProperty("https.proxyHost") != null
        || System.getProperty("socksProxyHost") != null
        || Boolean.getBoolean("java.net.useSystemProxies");
  }

  /** A proxy that answered 407 to the credentials it was given. */
  static final class ProxyRefusedException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    ProxyRefusedException(String message) {
      super(message);
    }
  }
}
