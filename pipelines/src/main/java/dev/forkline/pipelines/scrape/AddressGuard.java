package dev.forkline.pipelines.scrape;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Which addresses a fetch that started at a public host may not reach: loopback, private (RFC 1918,
 * IPv6 unique local), link-local (with the cloud metadata address 169.254.169.254), shared
 * (100.64.0.0/10, where some clouds put their metadata service), "this network" (0.0.0.0/8) and
 * multicast. A list that names such an address itself (the demo site on 127.0.0.1) opts that URL's
 * chain in. Thread-safe; no state.
 */
final class AddressGuard {
  private AddressGuard() {}

  /** A connection the guard refused: the host resolved to, or is, a non-public address. */
  static final class BlockedAddressException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    BlockedAddressException(String message) {
      super(message);
    }
  }

  /** Whether {@code address} is one a fetch from a public host may not connect to. */
  static boolean isBlocked(InetAddress address) {
    if (address.isLoopbackAddress()
        || address.isAnyLocalAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return true;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first == 0 || (first == 100 && second >= 64 && second < 128);
    }
    if (address instanceof Inet6Address) {
      if ((b[0] & 0xfe) == 0xfc) {
        return true; // fc00::/7, unique local (AWS's IPv6 metadata address is in it)
      }
      boolean mapped = true; // ::ffff:a.b.c.d, when the JDK did not already make it IPv4
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        try {
          return isBlocked(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
        } catch (UnknownHostException e) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether a URL's host names a non-public address itself: an IP literal the guard blocks, or
   * {@code localhost} (RFC 6761). A chain that starts at such a host may reach private addresses.
   */
  static boolean isPrivateHost(String host) {
    String h = unbracketed(host).toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    InetAddress literal = literal(h);
    return literal != null && isBlocked(literal);
  }

  /** The address an IP-literal host names, or null for a host name (no lookup is made). */
  static InetAddress literal(String host) {
    String h = unbracketed(host);
    boolean v6 = h.indexOf(':') >= 0;
    if (!v6) {
      for (int i = 0; i < h.length(); i++) {
        char c = h.charAt(i);
        if ((c < '0' || c > '9') && c != '.') {
          return null;
        }
      }
      if (h.isEmpty()) {
        return null;
      }
    }
    try {
      return InetAddress.getByName(h); // a literal: parsed, never looked up
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** A host as a URI writes it ({@code [::1]}) as an address takes it. */
  static String unbracketed(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
