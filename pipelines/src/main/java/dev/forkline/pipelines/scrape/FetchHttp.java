package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.exec.RetryableException;
import dev.forkline.pipelines.exec.StageException;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PushbackInputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.Authenticator;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The HTTP plumbing of the fetcher and the robots cache, on OkHttp: GETs bounded by one deadline
 * each, bodies read on the calling thread and decoded (gzip, deflate) under a cap counted after
 * decoding, and failures mapped to {@link FetchKind}. One instance per connect timeout is shared in
 * a JVM ({@link #shared}); thread-safe.
 *
 * <p>OkHttp is set up for a crawler: HTTP/1.1 only (one thread reads its own answer, and a host's
 * connections are its politeness), redirects not followed (the fetcher follows them hop by hop), no
 * transparent gzip (it would not cap the decoded size: {@code Accept-Encoding} is sent here), every
 * DNS answer tried, sockets on {@link SocketChannel}s so that an interrupt of the fetching thread
 * ends a blocking read, and 512 idle connections kept 30 s across all hosts. The private address
 * guard: a second client, on the same pool, whose {@link Dns} refuses non-public answers ({@link
 * AddressGuard}); IP-literal hosts, which OkHttp does not look up, are checked per request.
 */
final class FetchHttp implements AutoCloseable {
  private static final int MAX_IDLE = 512;
  private static final long KEEP_ALIVE_SECONDS = 30;

  /** Host name lookups, bounded so that a resolver that never answers cannot pile up threads. */
  private static final ThreadPoolExecutor LOOKUPS =
      new ThreadPoolExecutor(
          0,
          256,
          30,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          r -> {
            Thread t = new Thread(r, "forkline-dns");
            t.setDaemon(true);
            return t;
          });

  /** The deadline of the fetch this thread makes, for the lookups OkHttp runs on it. */
  private static final ThreadLocal<long[]> DEADLINE = ThreadLocal.withInitial(() -> new long[1]);

  /** How a host name becomes addresses, before the guard looks at them (tests give their own). */
  interface Lookup {
    List<InetAddress> lookup(String host) throws UnknownHostException;
  }

  private final Duration connectTimeout;
  private final Lookup lookup;
  private final java.util.function.Predicate<InetAddress> blocked;
  private final ConcurrentHashMap<String, Future<List<InetAddress>>> inFlight =
      new ConcurrentHashMap<>();
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
      Lookup lookup,
      X509TrustManager trust,
      Map<String, String> env,
      java.util.function.Predicate<InetAddress> blocked) {
    this.connectTimeout = connectTimeout;
    this.lookup = lookup;
    this.blocked = blocked;
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
            .addNetworkInterceptor(new Framing(proxies));
    if (proxies.selector() != null) {
      b.proxySelector(proxies.selector());
    }
    if (trust != null) {
      b.sslSocketFactory(trusting(trust).getSocketFactory(), trust);
    }
    this.open = b.dns(new GuardedDns(false, Set.of())).build();
    this.guarded = open.newBuilder().dns(new GuardedDns(true, proxies.hosts())).build();
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

  /** A response whose status and headers have arrived; the body is read by {@link #readBody}. */
  static final class Answer implements AutoCloseable {
    private final URI uri;
    private final Call call;
    private final Response response;

    Answer(URI uri, Call call, Response response) {
      this.uri = uri;
      this.call = call;
      this.response = response;
    }

    URI uri() {
      return uri;
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
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw timeout(uri, "before the request was sent");
    }
    HttpUrl url = HttpUrl.parse(uri.toASCIIString());
    if (url == null) {
      throw new StageException(FetchKind.INVALID_URL, uri + " is not an http or https URL");
    }
    if (!allowPrivate) {
      checkLiteral(uri);
    }
    Request request =
        new Request.Builder()
            .url(url)
            .header("User-Agent", userAgent)
            .header("Accept", "*/*")
            .header("Accept-Encoding", "gzip, deflate")
            .build();
    long[] myDeadline = DEADLINE.get();
    myDeadline[0] = deadline;
    try {
      for (int attempt = 0; ; attempt++) {
        Call call = (allowPrivate ? open : guarded).newCall(request);
        call.timeout().timeout(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        try {
          return new Answer(uri, call, call.execute());
        } catch (Exception e) { // OkHttp may also throw an undeclared InterruptedException
          call.cancel();
          if (Thread.interrupted() || e instanceof InterruptedException) {
            throw new InterruptedException("interrupted while waiting for " + uri);
          }
          if (e instanceof StaleConnectionException && attempt == 0) {
            continue; // that connection is closed now: the next call takes another (GET is safe)
          }
          if (e instanceof RuntimeException r && !(r.getCause() instanceof IOException)) {
            throw r;
          }
          throw failure(uri, e, deadline);
        }
      }
    } finally {
      myDeadline[0] = 0;
    }
  }

  /** A kept connection carried bytes no request asked for; it was closed before any was sent. */
  private static final class StaleConnectionException extends IOException {
    private static final long serialVersionUID = 1L;

    StaleConnectionException() {
      super("a kept connection had bytes on it that no request asked for");
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
      throw blocked(uri, host + " is a non-public address");
    }
  }

  /** The bytes of a body and whether it was cut at the limit. */
  record Body(byte[] bytes, boolean truncated) {}

  /**
   * Reads a body on this thread, decoding gzip/deflate, keeping at most {@code max} decoded bytes.
   * At the deadline, or when the thread is interrupted, the read ends and the connection is closed.
   * Always closes the answer.
   *
   * @param failIfLarger fail {@code too-large} past {@code max} instead of truncating
   */
  static Body readBody(Answer answer, long max, boolean failIfLarger, long deadline)
      throws StageException, InterruptedException {
    URI url = answer.uri();
    ResponseBody body = answer.response.body();
    Source source = new Source(body.byteStream());
    String encoding = encoding(answer);
    InputStream in = null;
    try {
      in = decoding(source, encoding, answer);
      long length = body.contentLength();
      int first =
          (int)
              Math.min(
                  max + 1,
                  encoding.isEmpty() && length >= 0 && length < (1 << 26) ? length + 1 : 64 * 1024);
      byte[] buf = new byte[Math.max(first, 1)];
      int n = 0;
      while (n <= max) {
        if (n == buf.length) {
          buf = Arrays.copyOf(buf, (int) Math.min(max + 1, (long) buf.length * 2));
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      if (Thread.currentThread().isInterrupted()) {
        throw interruptedReading(url);
      }
      if (n > max) {
        if (failIfLarger) {
          throw new StageException(
              FetchKind.TOO_LARGE,
              url + ": the body is larger than the limit of " + max + " bytes (decoded)");
        }
        return new Body(Arrays.copyOf(buf, (int) max), true);
      }
      return new Body(n == buf.length ? buf : Arrays.copyOf(buf, n), false);
    } catch (IOException | RuntimeException e) {
      boolean timedOut = System.nanoTime() - deadline >= 0 || answer.call.isCanceled();
      answer.call.cancel();
      if (Thread.interrupted()) {
        throw interruptedReading(url);
      }
      if (source.failure == null && in != source) {
        // The bytes arrived; the decoder refused them (a bad header, a bad CRC, garbage after).
        throw new StageException(
            FetchKind.BAD_RESPONSE,
            url + ": the body is not valid " + encoding + ": " + describe(e));
      }
      if (timedOut) {
        throw timeout(url, "reading the body");
      }
      throw failure(url, source.failure != null ? source.failure : e, deadline);
    } finally {
      if (in != null && in != source) {
        try {
          in.close(); // ends the decoder's native memory now, not at a GC
        } catch (IOException e) {
          // the answer is closed below either way
        }
      }
      answer.close();
    }
  }

  /** The body as it arrives, remembering a failure of the connection (not of a decoder on it). */
  private static final class Source extends FilterInputStream {
    IOException failure;

    Source(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }
  }

  private static InterruptedException interruptedReading(URI url) {
    Thread.interrupted(); // a method that throws InterruptedException clears the flag
    return new InterruptedException("interrupted while reading the body of " + url);
  }

  private static InputStream decoding(Source raw, String encoding, Answer answer)
      throws IOException, StageException {
    switch (encoding) {
      case "", "identity":
        return raw;
      case "gzip", "x-gzip":
        {
          // Members are decoded in a loop (the JDK's GZIPInputStream recurses once per member).
          PushbackInputStream in = new PushbackInputStream(raw, 1);
          int first = in.read();
          if (first < 0) {
            return in; // an empty body, whatever its header says
          }
          in.unread(first);
          return new GzipCompressorInputStream(in, true);
        }
      case "deflate":
        {
          // "deflate" is zlib-wrapped by the spec, raw deflate by some servers: look at the header.
          PushbackInputStream in = new PushbackInputStream(raw, 1);
          int first = in.read();
          if (first < 0) {
            return in;
          }
          in.unread(first);
          Inflater inflater = new Inflater((first & 0x0f) != 8);
          return new InflaterInputStream(in, inflater, 16 * 1024) {
            @Override
            public void close() throws IOException {
              inflater.end(); // an InflaterInputStream ends only an Inflater of its own
              super.close();
            }
          };
        }
      default:
        throw new StageException(
            FetchKind.BAD_RESPONSE,
            answer.uri()
                + ": Content-Encoding '"
                + encoding
                + "' is not supported; gzip, deflate and identity are");
    }
  }

  private static String encoding(Answer answer) {
    return answer.header("Content-Encoding").orElse("").toLowerCase(Locale.ROOT);
  }

  static StageException timeout(URI url, String when) {
    return new RetryableException(
        FetchKind.TIMEOUT, url + ": the fetch ran out of its time " + when, null);
  }

  private static StageException blocked(URI url, String why) {
    return new StageException(
        FetchKind.BLOCKED_ADDRESS,
        url
            + ": "
            + why
            + "; a fetch that started at a public host may not reach loopback, private or"
            + " link-local addresses (set url-scrape.allow-private-addresses: true to allow it)");
  }

  /** Maps a failure of a call to a kind: connect failures that may pass are retryable. */
  static StageException failure(URI url, Throwable t, long deadline) {
    BlockedAddressCause blocked = BlockedAddressCause.find(t);
    if (blocked != null) {
      return blocked(url, blocked.exception.getMessage());
    }
    boolean pastDeadline = System.nanoTime() - deadline >= 0;
    if (t instanceof SocketTimeoutException
        && !pastDeadline
        && String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("connect")) {
      return new RetryableException(
          FetchKind.CONNECT, url + ": connecting timed out (" + describe(t) + ")", null);
    }
    if (t instanceof InterruptedIOException || pastDeadline) {
      return timeout(url, "waiting for the server");
    }
    if (t instanceof ProxyRefusedException
        || String.valueOf(t.getMessage()).startsWith("Unexpected response code for CONNECT")) {
      return new StageException(
          FetchKind.BAD_RESPONSE, url + ": the proxy refused a tunnel: " + t.getMessage());
    }
    if (t instanceof ProtocolException) {
      if ("unexpected end of stream".equals(t.getMessage())) {
        return new RetryableException(
            FetchKind.CONNECT, url + ": the connection closed in the middle of the body", null);
      }
      return new StageException(
          FetchKind.BAD_RESPONSE, url + ": the response is not valid HTTP: " + t.getMessage());
    }
    if (t.getCause() instanceof EOFException eof
        && String.valueOf(t.getMessage()).startsWith("unexpected end of stream on")) {
      // OkHttp's head reader: nothing at all arrived, or a line was cut or over its limit.
      String m = String.valueOf(eof.getMessage());
      if (eof.getMessage() == null || m.contains("limit=0 ")) {
        return new RetryableException(
            FetchKind.CONNECT, url + ": the server closed the connection without an answer", null);
      }
      return new StageException(
          FetchKind.BAD_RESPONSE,
          url
              + ": the status line or headers are cut off or larger than 256 KB ("
              + abbreviate(m)
              + ")");
    }
    if (t instanceof SSLPeerUnverifiedException
        || (t instanceof SSLHandshakeException && causedBy(t, CertificateException.class))) {
      return new StageException(
          FetchKind.CONNECT,
          url + ": the server's TLS certificate is not accepted (" + describe(t) + ")",
          t);
    }
    if (t instanceof SSLException && !causedBy(t, EOFException.class) && !isReset(t)) {
      // The server refused the handshake (a fatal alert) or does not speak TLS: trying again
      // cannot help.
      return new StageException(
          FetchKind.CONNECT, url + ": the TLS handshake failed (" + describe(t) + ")", t);
    }
    if (t instanceof UnknownHostException) {
      return new RetryableException(
          FetchKind.CONNECT, url + ": the host name does not resolve (" + describe(t) + ")", null);
    }
    if (t instanceof ConnectException) {
      return new RetryableException(
          FetchKind.CONNECT, url + ": could not connect (" + describe(t) + ")", null);
    }
    if (t instanceof IOException) {
      return new RetryableException(
          FetchKind.CONNECT, url + ": the connection failed (" + describe(t) + ")", null);
    }
    return new StageException(
        FetchKind.BAD_RESPONSE, url + ": the request failed: " + describe(t), t);
  }

  /** The guard's refusal somewhere in a failure (OkHttp may wrap it or add it as suppressed). */
  private record BlockedAddressCause(AddressGuard.BlockedAddressException exception) {
    static BlockedAddressCause find(Throwable t) {
      Set<Throwable> seen = new HashSet<>();
      List<Throwable> todo = new ArrayList<>(List.of(t));
      while (!todo.isEmpty()) {
        Throwable c = todo.remove(todo.size() - 1);
        if (c == null || !seen.add(c)) {
          continue;
        }
        if (c instanceof AddressGuard.BlockedAddressException b) {
          return new BlockedAddressCause(b);
        }
        todo.add(c.getCause());
        todo.addAll(List.of(c.getSuppressed()));
      }
      return null;
    }
  }

  private static boolean isReset(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("reset")
          || m.contains("terminated the handshake")
          || m.contains("broken pipe")) {
        return true;
      }
    }
    return false;
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    if (message == null && t.getCause() != null) {
      message = t.getCause().toString();
    }
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static String abbreviate(String s) {
    String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() > 120 ? printable.substring(0, 120) + "..." : printable;
  }

  /**
   * Resolves with every answer (OkHttp tries each in turn), on a bounded pool of lookup threads so
   * a resolver that does not answer holds a fetch no longer than its deadline; when guarding,
   * refuses answers the guard blocks. Names of the configured proxies are exempt from the guard.
   */
  private final class GuardedDns implements Dns {
    private final boolean guard;
    private final Set<String> exempt;

    GuardedDns(boolean guard, Set<String> exempt) {
      this.guard = guard;
      this.exempt = exempt;
    }

    @Override
    public List<InetAddress> lookup(String host) throws UnknownHostException {
      List<InetAddress> all = resolve(host);
      if (!guard || exempt.contains(host.toLowerCase(Locale.ROOT))) {
        return all;
      }
      List<InetAddress> allowed = new ArrayList<>(all.size());
      for (InetAddress a : all) {
        if (!blocked.test(a)) {
          allowed.add(a);
        }
      }
      if (allowed.isEmpty()) {
        List<String> shown = new ArrayList<>();
        for (InetAddress a : all) {
          shown.add(a.getHostAddress());
        }
        throw new AddressGuard.BlockedAddressException(
            host + " resolves to " + String.join(", ", shown) + ", a non-public address");
      }
      return allowed;
    }
  }

  private List<InetAddress> resolve(String host) throws UnknownHostException {
    long deadline = DEADLINE.get()[0];
    if (deadline == 0) {
      deadline = System.nanoTime() + connectTimeout.toNanos();
    }
    Future<List<InetAddress>> answer;
    try {
      // Threads that connect to one host at once share its lookup.
      answer =
          inFlight.computeIfAbsent(
              host,
              h -> {
                FutureTask<List<InetAddress>> task =
                    new FutureTask<>(() -> lookup.lookup(h)) {
                      @Override
                      protected void done() {
                        inFlight.remove(h, this);
                      }
                    };
                LOOKUPS.execute(task);
                return task;
              });
    } catch (RejectedExecutionException e) {
      throw new UnknownHostException(
          host + ": too many host name lookups are waiting for an answer");
    }
    try {
      return answer.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new UnknownHostException("the deadline passed while looking up " + host);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnknownHostException("interrupted while looking up " + host);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownHostException u) {
        throw u;
      }
      UnknownHostException u = new UnknownHostException("looking up " + host + " failed");
      u.initCause(e.getCause());
      throw u;
    }
  }

  /**
   * Plain sockets on {@link SocketChannel}s: an interrupt of a thread blocked on one closes it, so
   * the executor's interrupt at its deadline (or a run's stop) ends a fetch at once.
   */
  private static final class ChannelSocketFactory extends SocketFactory {
    @Override
    public Socket createSocket() throws IOException {
      return SocketChannel.open().socket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      Socket s = createSocket();
      s.connect(new InetSocketAddress(host, port));
      return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      Socket s = createSocket();
      s.bind(new InetSocketAddress(localHost, localPort));
      s.connect(new InetSocketAddress(host, port));
      return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      Socket s = createSocket();
      s.connect(new InetSocketAddress(host, port));
      return s;
    }

    @Override
    public Socket createSocket(
        InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      Socket s = createSocket();
      s.bind(new InetSocketAddress(localAddress, localPort));
      s.connect(new InetSocketAddress(address, port));
      return s;
    }
  }

  /** A proxy that answered 407 to the credentials it was given. */
  static final class ProxyRefusedException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    ProxyRefusedException(String message) {
      super(message);
    }
  }

  /**
   * Checks what OkHttp takes on trust in a response's framing, and sends an environment proxy's
   * credentials on plain-http requests through it. A Transfer-Encoding other than {@code chunked}
   * (OkHttp would hand the coded bytes on as the body) or two different Content-Lengths fail as
   * {@code bad-response}, and the connection is closed, never reused.
   */
  private static final class Framing implements Interceptor {
    private final Proxies proxies;

    Framing(Proxies proxies) {
      this.proxies = proxies;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
      Request request = chain.request();
      okhttp3.Connection connection = chain.connection();
      if (connection != null && connection.socket().getInputStream().available() > 0) {
        // A kept connection on which bytes came that nobody asked for (more body than framed, a
        // 408 before a close): its next answer would be misread. send() retries on a new one.
        connection.socket().close();
        throw new StaleConnectionException();
      }
      if (connection != null && !request.isHttps()) {
        Proxy proxy = connection.route().proxy();
        String authorization = proxies.authorization(proxy);
        if (authorization != null) {
          request = request.newBuilder().header("Proxy-Authorization", authorization).build();
        }
      }
      Response response = chain.proceed(request);
      List<String> codings = response.headers("Transfer-Encoding");
      String problem = null;
      if (!codings.isEmpty()
          && !(codings.size() == 1 && codings.get(0).strip().equalsIgnoreCase("chunked"))) {
        problem =
            "Transfer-Encoding '"
                + String.join(", ", codings)
                + "' is not supported; only chunked is (compression belongs in Content-Encoding)";
      } else {
        problem = contentLengthProblem(response.headers("Content-Length"));
      }
      if (problem != null) {
        if (connection != null) {
          connection.socket().close(); // what follows on it cannot be framed
        }
        response.close();
        throw new ProtocolException(problem);
      }
      return response;
    }

    private static String contentLengthProblem(List<String> values) {
      long length = -1;
      for (String value : values) {
        for (String part : value.split(",", -1)) {
          String v = part.strip();
          if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return "Content-Length '" + value + "' is not a number of bytes";
          }
          long n = Long.parseLong(v);
          if (length >= 0 && n != length) {
            return "the response has two different Content-Lengths: " + values;
          }
          length = n;
        }
      }
      return null;
    }
  }

  /**
   * The proxies: the JVM's when it is told of one ({@code -Dhttp.proxyHost} and the like), else
   * those the environment names ({@link EnvProxies}), with their credentials.
   */
  private static final class Proxies implements Authenticator {
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
  }
}
