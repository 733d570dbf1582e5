package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.exec.StageException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The HTTP plumbing of the fetcher and the robots cache, on OkHttp: GETs bounded by one deadline
 * each, bodies read on the calling thread and decoded (gzip, deflate) under a cap counted after
 * decoding, and failures mapped to {@link FetchKind}. One instance per fetcher, shared with its
 * robots cache; thread-safe.
 *
 * <p>OkHttp is set up for a crawler: HTTP/1.1 only (one thread reads its own answer, and a host's
 * connections are its politeness), redirects not followed (the fetcher follows them hop by hop), no
 * transparent gzip (it would not cap the decoded size: {@code Accept-Encoding} is sent here), every
 * DNS answer tried, sockets on {@link SocketChannel}s so that an interrupt of the fetching thread
 * ends a blocking read, and 512 idle connections kept 30 s across all hosts. The private address
 * guard: a second client, on the same pool, whose {@link Dns} refuses non-public answers ({@link
 * AddressGuard}); IP-literal hosts, which OkHttp does not look up, are checked per request.
 *
 * <p>The parts: {@link BodyReader} (bodies), {@link FetchFailures} (failure kinds), {@link
 * HostResolver} (lookups and the guard), {@link ChannelSocketFactory}, {@link ResponseFraming} and
 * {@link Proxies}.
 */
final class FetchHttp implements AutoCloseable {
  private static final int MAX_IDLE = 512;
  private static final long KEEP_ALIVE_SECONDS = 30;

  private final java.util.function.Predicate<InetAddress> blocked;
  private final ConnectionPool pool =
      new ConnectionPool(MAX_IDLE, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
  private final OkHttpClient open;
  private final OkHttpClient guarded;

  FetchHttp(Duration connectTimeout) {
    this(
        connectTimeout,
        host -> Arrays.asList(InetAddress.getAllByName(host)),
        null,
        System.getenv(),
        AddressGuard::isBlocked);
  }

  /**
   * A client with its own resolver, trust and environment (tests).
   *
   * @param trust what to trust; null for the JVM's trust store
   * @param env the environment proxies are read from
   * @param blocked the addresses the guard refuses ({@link AddressGuard#isBlocked}; tests that need
   *     a "public" loopback address give their own)
   */
  FetchHttp(
      Duration connectTimeout,
      HostResolver.Lookup lookup,
      X509TrustManager trust,
      Map<String, String> env,
      java.util.function.Predicate<InetAddress> blocked) {
    this.blocked = blocked;
    HostResolver resolver = new HostResolver(connectTimeout, lookup, blocked);
    Proxies proxies = Proxies.of(env);
    OkHttpClient.Builder b =
        new OkHttpClient.Builder()
            .connectionPool(pool)
            .protocols(List.of(Protocol.HTTP_1_1))
            .followRedirects(false)
            .followSslRedirects(false)
            .retryOnConnectionFailure(true)
            .connectTimeout(connectTimeout)
            .readTimeout(Duration.ZERO) // the call's deadline bounds every read
            .writeTimeout(Duration.ZERO)
            .socketFactory(new ChannelSocketFactory())
            .proxyAuthenticator(proxies)
            // First, so it records the request before the proxy's credentials are added to it.
            .addNetworkInterceptor(new WarcExchange.Recorder())
            .addNetworkInterceptor(new ResponseFraming(proxies));
    if (proxies.selector() != null) {
      b.proxySelector(proxies.selector());
    }
    if (trust != null) {
      b.sslSocketFactory(trusting(trust).getSocketFactory(), trust);
    }
    this.open = b.dns(resolver.dns(false, Set.of())).build();
    this.guarded = open.newBuilder().dns(resolver.dns(true, proxies.hosts())).build();
  }

  private static SSLContext trusting(X509TrustManager trust) {
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {trust}, null);
      return tls;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no TLS: " + e.getMessage(), e);
    }
  }

  /** Idle connections in the pool (tests). */
  int idleConnections() {
    return pool.idleConnectionCount();
  }

  /** Closes the idle connections; those in use close when their responses are done. */
  @Override
  public void close() {
    pool.evictAll();
  }

  /**
   * A response whose status and headers have arrived; the body is read by {@link BodyReader#read}.
   */
  static final class Answer implements AutoCloseable {
    private final URI uri;
    private final Call call;
    private final Response response;
    private final WarcExchange.Capture capture;

    Answer(URI uri, Call call, Response response, WarcExchange.Capture capture) {
      this.uri = uri;
      this.call = call;
      this.response = response;
      this.capture = capture;
      if (capture != null) {
        capture.answered(response);
      }
    }

    /** Where the exchange is recorded for the WARC files; null when it is not. */
    WarcExchange.Capture capture() {
      return capture;
    }

    URI uri() {
      return uri;
    }

    /** The call the answer came on, to cancel (the body is read on it). */
    Call call() {
      return call;
    }

    ResponseBody body() {
      return response.body();
    }

    int statusCode() {
      return response.code();
    }

    /** The first value of the header {@code name}, stripped. */
    Optional<String> header(String name) {
      List<String> values = response.headers(name);
      return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0).strip());
    }

    /** The first value of {@code name} as a number; empty when absent or not a number. */
    OptionalLong headerAsLong(String name) {
      Optional<String> v = header(name);
      try {
        return v.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(v.get()));
      } catch (NumberFormatException e) {
        return OptionalLong.empty();
      }
    }

    /** Done without the body (a redirect, an error status): the connection is kept if it can. */
    @Override
    public void close() {
      response.close();
    }
  }

  /**
   * Sends {@code GET uri} and waits for the status and headers until {@code deadline} ({@link
   * System#nanoTime}), which also bounds the body's reading.
   *
   * @param allowPrivate whether the request may reach loopback, private and link-local addresses
   *     (the chain started at such an address, or the settings allow it)
   * @throws StageException {@code timeout} at the deadline, {@code connect} when the connection
   *     fails (retryable unless it cannot succeed), {@code blocked-address}, {@code bad-response}
   * @throws InterruptedException when the thread is interrupted; the call is cancelled
   */
  Answer send(URI uri, String userAgent, long deadline, boolean allowPrivate)
      throws StageException, InterruptedException {
    return send(uri, userAgent, deadline, allowPrivate, null);
  }

  /**
   * {@link #send(URI, String, long, boolean)}, recording the exchange into {@code capture} (the
   * request as sent, the server's address; the answer's {@link Answer#capture}) when not null.
   */
  Answer send(
      URI uri, String userAgent, long deadline, boolean allowPrivate, WarcExchange.Capture capture)
      throws StageException, InterruptedException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw FetchFailures.timeout(uri, "before the request was sent");
    }
    HttpUrl url = HttpUrl.parse(uri.toASCIIString());
    if (url == null) {
      throw new StageException(FetchKind.INVALID_URL, uri + " is not an http or https URL");
    }
    if (!allowPrivate) {
      checkLiteral(uri);
    }
    Request.Builder builder =
        new Request.Builder()
            .url(url)
            .header("User-Agent", userAgent)
            .header("Accept", "*/*")
            .header("Accept-Encoding", "gzip, deflate");
    if (capture != null) {
      builder.tag(WarcExchange.Capture.class, capture);
    }
    Request request = builder.build();
    long[] myDeadline = HostResolver.deadlineSlot();
    myDeadline[0] = deadline;
    try {
      for (int attempt = 0; ; attempt++) {
        Call call = (allowPrivate ? open : guarded).newCall(request);
        call.timeout().timeout(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        try {
          return new Answer(uri, call, call.execute(), capture);
        } catch (Exception e) { // OkHttp may also throw an undeclared InterruptedException
          call.cancel();
          if (Thread.interrupted() || e instanceof InterruptedException) {
            throw new InterruptedException("interrupted while waiting for " + uri);
          }
          if (e instanceof ResponseFraming.StaleConnectionException && attempt == 0) {
            continue; // that connection is closed now: the next call takes another (GET is safe)
          }
          if (e instanceof RuntimeException r && !(r.getCause() instanceof IOException)) {
            throw r;
          }
          throw FetchFailures.failure(uri, e, deadline);
        }
      }
    } finally {
      myDeadline[0] = 0;
    }
  }

  /**
   * Fails {@code blocked-address} when {@code uri}'s host is an IP literal the guard blocks (OkHttp
   * does not look such hosts up, so the guard's resolver never sees them).
   */
  void checkLiteral(URI uri) throws StageException {
    String host = uri.getHost() == null ? "" : uri.getHost();
    InetAddress literal = AddressGuard.literal(host);
    if (literal != null && blocked.test(literal)) {
      throw FetchFailures.blocked(uri, host + " is a non-public address");
    }
  }
}
