package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.exec.KeyResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code politeness-key: ip}: a host (a URL's authority, {@code host[:port]}) counts by its first
 * address, as Nutch's {@code byIP} queues and Scrapy's {@code CONCURRENT_REQUESTS_PER_IP} do, so
 * that the hosts of one server share its {@code per-host} and {@code delay}. A host that does not
 * resolve counts as itself; its fetch then fails with its own kind.
 */
final class AddressKey implements KeyResolver {
  private static final long serialVersionUID = 1L;

  @Override
  public String resolve(String authority) throws UnknownHostException {
    if (authority.isEmpty()) {
      return authority;
    }
    return InetAddress.getAllByName(hostOf(authority))[0].getHostAddress();
  }

  /** The host of an authority: without its port, an IPv6 literal without its brackets. */
  static String hostOf(String authority) {
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      return close < 0 ? authority : authority.substring(1, close);
    }
    int colon = authority.lastIndexOf(':');
    return colon < 0 ? authority : authority.substring(0, colon);
  }
}
