package dev.forkline.pipelines.scrape;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * forkline's HTTP/1.1 client for GET requests: blocking I/O on the calling thread (the threaded
 * executor's threads are the concurrency), keep-alive connections kept per origin. It replaced the
 * JDK's {@code java.net.http.HttpClient}, which hands every response between its selector thread,
 * its executor and the caller, and spent 5 to 10 times more CPU a page (0.5 to 1.2 ms against 0.06
 * to 0.25 ms for 20 KB pages at 64 in flight): CPU the parse and the server on the same cores need.
 *
 * <p>What it does: http and https (the JVM's default trust store, host name verification, SNI), an
 * HTTP proxy from the JVM's {@link ProxySelector} ({@code -Dhttp.proxyHost}, {@code
 * -Dhttps.proxyHost}; https through CONNECT), Content-Length, chunked and until-close bodies,
 * interim 1xx responses skipped. A reused connection that the server had closed is retried once on
 * a new one (GET is idempotent). Limits: status and header lines 64 KB, 256 KB of headers, 1,000
 * fields; idle connections: 30 s, 128 per origin, 512 in all.
 */
final class Http1Client implements AutoCloseable {
  static final int MAX_LINE = 64 * 1024;
  static final int MAX_HEADER_BYTES = 256 * 1024;
  static final int MAX_HEADER_FIELDS = 1000;
  private static final int MAX_INTERIM = 16;
  private static final int MAX_IDLE_PER_ORIGIN = 128;
  private static final int MAX_IDLE = 512;
  private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Connecting took longer than the connect timeout. */
  static final class ConnectTimeoutException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    ConnectTimeoutException(String message) {
      super(message);
    }
  }

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

  /** Lookups under way, by host name; shared, so one caller's deadline does not cancel them. */
  private static final ConcurrentHashMap<String, Future<InetAddress>> IN_FLIGHT =
      new ConcurrentHashMap<>();

  private final Duration connectTimeout;
  private final EnvProxies envProxies;
  private final SSLContext tlsContext; // null: the JVM's default, made when first needed
  private volatile SSLSocketFactory tls;
  private final ConcurrentHashMap<String, ArrayDeque<Http1Connection>> idle =
      new ConcurrentHashMap<>();
  private final AtomicInteger idleCount = new AtomicInteger();
  private volatile long lastSweep = System.nanoTime();
  private volatile boolean closed;

  Http1Client(Duration connectTimeout) {
    this(connectTimeout, null, System.getenv());
  }

  /** A client that trusts what {@code tlsContext} trusts (tests); null for the JVM's default. */
  Http1Client(Duration connectTimeout, SSLContext tlsContext) {
    this(connectTimeout, tlsContext, System.getenv());
  }

  /** A client whose environment proxies come from {@code env} (tests). */
  Http1Client(Duration connectTimeout, SSLContext tlsContext, Map<String, String> env) {
    this.connectTimeout = connectTimeout;
    this.tlsContext = tlsContext;
    this.envProxies = EnvProxies.from(env);
  }

  /**
   * Where a request goes: the origin, and the HTTP proxy on the way if there is one, with its
   * Proxy-Authorization value if it needs one.
   */
  private record Route(
      String key,
      boolean https,
      String host,
      int port,
      InetSocketAddress proxy,
      String proxyAuthorization) {}

  /**
   * Sends {@code GET uri} and reads the response's status and headers, all before {@code deadline}
   * ({@link System#nanoTime}). The caller reads the body and closes the response.
   *
   * @throws ConnectTimeoutException when connecting took longer than the connect timeout
   * @throws SocketTimeoutException at the deadline
   * @throws ProtocolException when the response is not HTTP/1.x as the RFCs allow it
   * @throws IOException when the connection fails or closes early; after an interrupt, with the
   *     thread's interrupt flag set
   */
  Http1Response get(URI uri, String userAgent, long deadline) throws IOException {
    Route route = route(uri);
    byte[] request = request(uri, route, userAgent);
    Http1Connection connection = take(route.key());
    if (connection != null) {
      try {
        return exchange(connection, uri, request, deadline);
      } catch (RuntimeException e) {
        connection.close();
        throw e;
      } catch (IOException e) {
        connection.close();
        boolean staleConnection =
            connection.received() == 0
                && !(e instanceof SocketTimeoutException)
                && !Thread.currentThread().isInterrupted();
        if (!staleConnection) {
          throw e;
        }
        // The server closed the idle connection before our request reached it: a new one.
      }
    }
    connection = open(route, deadline);
    try {
      return exchange(connection, uri, request, deadline);
    } catch (IOException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private Http1Response exchange(Http1Connection connection, URI uri, byte[] request, long deadline)
      throws IOException {
    connection.begin(deadline);
    connection.write(request);
    for (int interim = 0; ; interim++) {
      String statusLine = connection.readLine(MAX_LINE, "the status line");
      if (statusLine.isEmpty() && interim == 0) {
        statusLine = connection.readLine(MAX_LINE, "the status line"); // a stray CRLF first
      }
      if (statusLine.length() < 12
          || !statusLine.startsWith("HTTP/1.")
          || (statusLine.charAt(7) != '0' && statusLine.charAt(7) != '1')
          || statusLine.charAt(8) != ' '
          || !isStatus(statusLine, 9)
          || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
        throw new ProtocolException(
            "the server did not answer with an HTTP/1.x status line but '"
                + abbreviate(statusLine)
                + "'");
      }
      int status = Integer.parseInt(statusLine.substring(9, 12));
      ResponseHeaders headers = readHeaders(connection);
      if (status >= 100 && status < 200) {
        if (status == 101 || interim >= MAX_INTERIM) {
          throw new ProtocolException("the server answered " + status + " to a GET");
        }
        continue;
      }
      boolean noBody = status == 204 || status == 304;
      return new Http1Response(
          this, connection, uri, statusLine.substring(0, 8), status, headers, noBody);
    }
  }

  private static boolean isStatus(String line, int at) {
    for (int i = at; i < at + 3; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return line.charAt(at) != '0';
  }

  private static ResponseHeaders readHeaders(Http1Connection connection) throws IOException {
    ResponseHeaders headers = new ResponseHeaders();
    String name = null;
    StringBuilder value = null;
    int bytes = 0;
    int lines = 0;
    for (String line; !(line = connection.readLine(MAX_LINE, "a header line")).isEmpty(); ) {
      bytes += line.length() + 2;
      if (bytes > MAX_HEADER_BYTES || ++lines > MAX_HEADER_FIELDS) {
        throw new ProtocolException(
            "the response headers are larger than "
                + MAX_HEADER_BYTES
                + " bytes or "
                + MAX_HEADER_FIELDS
                + " lines");
      }
      char first = line.charAt(0);
      if (first == ' ' || first == '\t') {
        if (name == null) {
          throw new ProtocolException("the first header line is a continuation line");
        }
        value.append(' ').append(line.strip()); // obsolete line folding (RFC 9112 5.2)
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || !isToken(line, colon)) {
        throw new ProtocolException("'" + abbreviate(line) + "' is not a header field");
      }
      if (name != null) {
        headers.add(name, value.toString());
      }
      name = line.substring(0, colon);
      value = new StringBuilder(line.length() - colon).append(line, colon + 1, line.length());
    }
    if (name != null) {
      headers.add(name, value.toString());
    }
    return headers;
  }

  private static boolean isToken(String line, int end) {
    for (int i = 0; i < end; i++) {
      char c = line.charAt(i);
      if (c <= ' ' || c >= 127 || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String s) {
    String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
  }

  private Route route(URI uri) throws IOException {
    String scheme = uri.getScheme();
    boolean https = "https".equalsIgnoreCase(scheme);
    if (!https && !"http".equalsIgnoreCase(scheme)) {
      throw new ProtocolException(uri + ": only http and https URLs can be fetched");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new ProtocolException(uri + " has no host");
    }
    host = unbracketed(host);
    int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
    InetSocketAddress proxy = jvmProxy(uri);
    String authorization = null;
    if (proxy == null && !jvmProxySettings()) {
      EnvProxies.Proxy fromEnv = envProxies.forUri(uri, host, port);
      if (fromEnv != null) {
        proxy = fromEnv.address();
        authorization = fromEnv.authorization();
      }
    }
    String key =
        (https ? "https://" : "http://")
            + host
            + ":"
            + port
            + (proxy == null ? "" : " via " + proxy.getHostString() + ":" + proxy.getPort());
    return new Route(key, https, host, port, proxy, authorization);
  }

  /** A host as a URI writes it ({@code [::1]} for an IPv6 address) as a socket takes it. */
  static String unbracketed(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** The HTTP proxy the JVM's proxy selector names for {@code uri}; null for none (or SOCKS). */
  private static InetSocketAddress jvmProxy(URI uri) {
    ProxySelector selector = ProxySelector.getDefault();
    if (selector == null) {
      return null;
    }
    List<Proxy> proxies = selector.select(uri);
    for (Proxy p : proxies) {
      if (p.type() == Proxy.Type.DIRECT) {
        return null;
      }
      if (p.type() == Proxy.Type.HTTP && p.address() instanceof InetSocketAddress address) {
        return address;
      }
    }
    return null;
  }

  /** Whether the JVM is told about proxies: then its settings rule, not the environment's. */
  private static boolean jvmProxySettings() {
    return System.getProperty("http.proxyHost") != null
        || System.getProperty("https.proxyHost") != null
        || System.getProperty("socksProxyHost") != null
        || Boolean.getBoolean("java.net.useSystemProxies");
  }

  /**
   * @param userAgent printable ASCII ({@link FetchSettings} holds no other)
   */
  private static byte[] request(URI uri, Route route, String userAgent) {
    URI ascii = uri;
    String asciiForm = uri.toASCIIString();
    if (!asciiForm.equals(uri.toString())) {
      ascii = URI.create(asciiForm);
    }
    String target;
    if (route.proxy() != null && !route.https()) {
      String s = ascii.toASCIIString();
      int hash = s.indexOf('#');
      target = hash >= 0 ? s.substring(0, hash) : s;
    } else {
      String path = ascii.getRawPath();
      target = (path == null || path.isEmpty() ? "/" : path);
      if (ascii.getRawQuery() != null) {
        target += "?" + ascii.getRawQuery();
      }
    }
    boolean defaultPort = route.port() == (route.https() ? 443 : 80);
    String hostHeader = ascii.getHost() + (defaultPort ? "" : ":" + route.port());
    String proxyAuthorization =
        route.proxy() != null && !route.https() && route.proxyAuthorization() != null
            ? "Proxy-Authorization: " + route.proxyAuthorization() + "\r\n"
            : "";
    String head =
        "GET "
            + target
            + " HTTP/1.1\r\nHost: "
            + hostHeader
            + "\r\nUser-Agent: "
            + userAgent
            + "\r\nAccept: */*\r\nAccept-Encoding: gzip, deflate\r\n"
            + proxyAuthorization
            + "\r\n";
    return head.getBytes(StandardCharsets.ISO_8859_1);
  }

  private Http1Connection open(Route route, long deadline) throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("the deadline passed before connecting");
    }
    InetSocketAddress address =
        resolve(
            route.proxy() != null ? route.proxy().getHostString() : route.host(),
            route.proxy() != null ? route.proxy().getPort() : route.port(),
            deadline);
    long connectNanos = Math.min(deadline - System.nanoTime(), connectTimeout.toNanos());
    SocketChannel channel = SocketChannel.open();
    try {
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
      try {
        channel.socket().connect(address, millis(connectNanos));
      } catch (SocketTimeoutException e) {
        if (connectNanos < connectTimeout.toNanos()) {
          throw new SocketTimeoutException("the deadline passed while connecting");
        }
        throw new ConnectTimeoutException(
            "no connection to " + address + " within " + connectTimeout.toMillis() + " ms");
      }
      Http1Connection plain = new Http1Connection(route.key(), channel, channel.socket());
      if (route.proxy() != null && route.https()) {
        tunnel(plain, route, deadline);
      }
      if (!route.https()) {
        return plain;
      }
      SSLSocket tlsSocket =
          (SSLSocket) tls().createSocket(channel.socket(), route.host(), route.port(), true);
      SSLParameters parameters = tlsSocket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      tlsSocket.setSSLParameters(parameters);
      Http1Connection secure = new Http1Connection(route.key(), channel, tlsSocket);
      secure.handshake(deadline);
      return secure;
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static int millis(long nanos) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
  }

  /**
   * The address of {@code host}, looked up on a lookup thread so that a resolver that does not
   * answer holds the fetch no longer than its deadline (the JVM caches answers for 30 s).
   */
  private static InetSocketAddress resolve(String host, int port, long deadline)
      throws IOException {
    if (isAddressLiteral(host)) {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    }
    Future<InetAddress> lookup;
    try {
      // Threads that connect to one host at once share its lookup.
      lookup =
          IN_FLIGHT.computeIfAbsent(
              host,
              h -> {
                FutureTask<InetAddress> task =
                    new FutureTask<>(() -> InetAddress.getByName(h)) {
                      @Override
                      protected void done() {
                        IN_FLIGHT.remove(h, this);
                      }
                    };
                LOOKUPS.execute(task);
                return task;
              });
    } catch (RejectedExecutionException e) {
      throw new IOException("too many host name lookups are waiting for an answer", e);
    }
    try {
      return new InetSocketAddress(
          lookup.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS), port);
    } catch (TimeoutException e) {
      throw new SocketTimeoutException("the deadline passed while looking up " + host);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while looking up " + host);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException("looking up " + host + " failed: " + cause, cause);
    }
  }

  /** An IPv4 or IPv6 address in text, which needs no lookup. */
  private static boolean isAddressLiteral(String host) {
    if (host.indexOf(':') >= 0) {
      return true;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if ((c < '0' || c > '9') && c != '.') {
        return false;
      }
    }
    return true;
  }

  /** Asks the proxy for a tunnel to the origin (CONNECT), for TLS through it. */
  private static void tunnel(Http1Connection connection, Route route, long deadline)
      throws IOException {
    String authority = route.host().contains(":") ? "[" + route.host() + "]" : route.host();
    authority += ":" + route.port();
    connection.begin(deadline);
    connection.write(
        ("CONNECT "
                + authority
                + " HTTP/1.1\r\nHost: "
                + authority
                + "\r\n"
                + (route.proxyAuthorization() == null
                    ? ""
                    : "Proxy-Authorization: " + route.proxyAuthorization() + "\r\n")
                + "\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    String status = connection.readLine(MAX_LINE, "the proxy's status line");
    readHeaders(connection);
    if (!status.matches("HTTP/1\\.[01] 2[0-9][0-9]( .*)?")) {
      throw new ProtocolException(
          "the proxy "
              + route.proxy()
              + " refused a tunnel to "
              + authority
              + ": "
              + abbreviate(status));
    }
    if (connection.buffered() > 0) {
      throw new ProtocolException("the proxy sent data before the TLS handshake");
    }
  }

  private SSLSocketFactory tls() throws IOException {
    SSLSocketFactory factory = tls;
    if (factory == null) {
      try {
        factory = (tlsContext != null ? tlsContext : SSLContext.getDefault()).getSocketFactory();
      } catch (NoSuchAlgorithmException e) {
        throw new IOException("this JVM has no TLS: " + e.getMessage(), e);
      }
      tls = factory;
    }
    return factory;
  }

  private Http1Connection take(String route) {
    ArrayDeque<Http1Connection> connections = idle.get(route);
    if (connections == null) {
      return null;
    }
    long now = System.nanoTime();
    while (true) {
      Http1Connection c;
      synchronized (connections) {
        c = connections.pollFirst();
      }
      if (c == null) {
        return null;
      }
      idleCount.decrementAndGet();
      if (now - c.idleSince < IDLE_NANOS && !c.isClosed() && !c.hasPendingInput()) {
        return c;
      }
      c.close();
    }
  }

  /** Takes back a connection whose response ended; it waits for the next request to its origin. */
  void release(Http1Connection connection) {
    connection.endExchange();
    if (closed || idleCount.get() >= MAX_IDLE) {
      connection.close();
      return;
    }
    long now = System.nanoTime();
    connection.idleSince = now;
    while (true) {
      ArrayDeque<Http1Connection> connections =
          idle.computeIfAbsent(connection.route(), k -> new ArrayDeque<>());
      synchronized (connections) {
        if (idle.get(connection.route()) != connections) {
          continue; // emptied and dropped by a sweep meanwhile
        }
        if (connections.size() >= MAX_IDLE_PER_ORIGIN) {
          connection.close();
          return;
        }
        connections.addFirst(connection);
        idleCount.incrementAndGet();
        break;
      }
    }
    if (closed) {
      closeIdle(0);
    } else if (now - lastSweep > SWEEP_NANOS) {
      lastSweep = now;
      closeIdle(IDLE_NANOS);
    }
  }

  /** Closes the connections idle for at least {@code age} nanoseconds. */
  private void closeIdle(long age) {
    long now = System.nanoTime();
    for (var entry : idle.entrySet()) {
      ArrayDeque<Http1Connection> connections = entry.getValue();
      synchronized (connections) {
        var it = connections.iterator();
        while (it.hasNext()) {
          Http1Connection c = it.next();
          if (now - c.idleSince >= age) {
            it.remove();
            idleCount.decrementAndGet();
            c.close();
          }
        }
        if (connections.isEmpty()) {
          idle.remove(entry.getKey(), connections);
        }
      }
    }
  }

  /** Idle connections, all origins (tests). */
  int idleConnections() {
    return idleCount.get();
  }

  /** Closes the idle connections; those in use close when their responses are done. */
  @Override
  public void close() {
    closed = true;
    closeIdle(0);
  }
}
