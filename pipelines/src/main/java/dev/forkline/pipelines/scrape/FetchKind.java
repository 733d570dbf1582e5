package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.exec.Kind;

/**
 * The failure kinds of the fetch layer, as they appear in a failed row's {@code failure_kind}. One
 * place, so the manifest's vocabulary stays small and documented.
 */
public enum FetchKind implements Kind {
  /** The URL (from the list) is not an absolute http/https URL with a host. Not retried. */
  INVALID_URL("invalid-url"),

  /**
   * A line of a list cannot be read: bytes that do not decode, or a CSV record that does not parse.
   * The row's key is the list's {@code PATH:LINE}. Not retried.
   */
  INVALID_LIST_LINE("invalid-list-line"),

  /** robots.txt disallows the URL (or a redirect target) for our agent. Not retried. */
  ROBOTS_DENIED("robots-denied"),

  /**
   * robots.txt answered 5xx, timed out or sent a broken body: the host is deferred. Retried; the
   * URL fails with this kind when its attempts run out. (A robots.txt connection failure is {@code
   * connect}.)
   */
  ROBOTS_UNAVAILABLE("robots-unavailable"),

  /**
   * A redirect could not be followed: a loop, more than the limit, a target that is not http/https
   * or not a valid URL, or a 3xx without a Location. Not retried.
   */
  REDIRECT("redirect"),

  /** The fetch ran past its deadline (the attempt's time left, capped by the settings). Retried. */
  TIMEOUT("timeout"),

  /** The body (decoded) is larger than the limit and the settings say fail instead of truncate. */
  TOO_LARGE("too-large"),

  /** A 4xx answer; 408 and 429 are retried, the others not. */
  HTTP_4XX("http-4xx"),

  /** A 5xx answer; 500, 502, 503 and 504 are retried, the others not. */
  HTTP_5XX("http-5xx"),

  /**
   * The connection failed: refused, reset, closed early, or connect timed out (retried); or TLS
   * cannot work: the certificate is not accepted, the server refuses the handshake or does not
   * speak TLS (not retried).
   */
  CONNECT("connect"),

  /** The host failed too often in a row in this JVM: no request is made. Not retried. */
  HOST_UNAVAILABLE("host-unavailable"),

  /**
   * The fetch would reach a loopback, private or link-local address (a redirect to one, a host name
   * that resolves to one) from a URL whose own host is public; allowed with {@code
   * url-scrape.allow-private-addresses: true}. Not retried.
   */
  BLOCKED_ADDRESS("blocked-address"),

  /** The answer is not HTTP we can use (a 1xx or unknown status, a broken encoding). */
  BAD_RESPONSE("bad-response");

  private final String label;

  FetchKind(String label) {
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }
}
