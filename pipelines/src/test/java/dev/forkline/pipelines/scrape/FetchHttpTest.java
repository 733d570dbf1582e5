package dev.forkline.pipelines.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.exec.RetryableException;
import dev.forkline.pipelines.exec.StageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import javax.net.ServerSocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetch stage's HTTP client against scripted servers on 127.0.0.1 that answer byte for byte.
 */
class FetchHttpTest {
  private static final String UA = "forkline-test/1";

  @TempDir Path dir;
  private final FetchHttp client = client(Map.of());
  private Scripted server;

  @AfterEach
  void stop() throws IOException {
    client.close();
    if (server != null) {
      server.close();
    }
  }

  /**
   * A server whose answer to each request is a function of the request head; null closes the
   * connection without an answer. It counts connections and keeps the request heads.
   */
  private static final class Scripted implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger connections = new AtomicInteger();
    final Queue<String> requests = new ConcurrentLinkedQueue<>();

    Scripted(Function<String, String> answer) throws IOException {
      this(ServerSocketFactory.getDefault(), answer);
    }

    Scripted(ServerSocketFactory factory, Function<String, String> answer) throws IOException {
      socket = factory.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread acceptor =
          new Thread(
              () -> {
                while (!socket.isClosed()) {
                  try {
                    Socket s = socket.accept();
                    connections.incrementAndGet();
                    Thread t = new Thread(() -> serve(s, answer));
                    t.setDaemon(true);
                    t.start();
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void serve(Socket s, Function<String, String> answer) {
      try (s) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        while (true) {
          String head = readHead(in);
          if (head == null) {
            return;
          }
          requests.add(head);
          String reply = answer.apply(head);
          if (reply == null) {
            return;
          }
          out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        }
      } catch (IOException e) {
        // the client went away
      }
    }

    private static String readHead(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      for (int b; (b = in.read()) >= 0; ) {
        head.write(b);
        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        if (matched == 4) {
          return head.toString(StandardCharsets.ISO_8859_1);
        }
      }
      return null;
    }

    String url(String path) {
      return "http://127.0.0.1:" + socket.getLocalPort() + path;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /**
   * Runs a scripted peer on a daemon thread; its I/O ends when the client gives up or the test
   * does.
   */
  private static void peer(Peer body) {
    Thread t =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (IOException | InterruptedException e) {
                // the peer's side ended; the test's assertions are on the client's
              }
            });
    t.setDaemon(true);
    t.start();
  }

  private interface Peer {
    void run() throws IOException, InterruptedException;
  }

  private static long inTenSeconds() {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
  }

  private static FetchHttp client(Map<String, String> env) {
    return new FetchHttp(
        Duration.ofSeconds(5),
        host -> List.of(InetAddress.getAllByName(host)),
        null,
        env,
        AddressGuard::isBlocked);
  }

  private String get(String url) throws Exception {
    return get(client, url);
  }

  private static String get(FetchHttp client, String url) throws Exception {
    FetchHttp.Answer response = client.send(URI.create(url), UA, inTenSeconds(), true);
    BodyReader.Body body = BodyReader.read(response, 1 << 20, true, inTenSeconds());
    return response.statusCode() + " " + new String(body.bytes(), StandardCharsets.UTF_8);
  }

  private StageException fails(String url) {
    return assertThrows(StageException.class, () -> get(url));
  }

  private static String ok(String body) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
  }

  @Test
  void keepAliveReusesOneConnectionForSequentialRequests() throws Exception {
    server = new Scripted(head -> ok("hello"));
    for (int i = 0; i < 5; i++) {
      assertEquals("200 hello", get(server.url("/p" + i)));
    }
    assertEquals(1, server.connections.get());
    assertEquals(1, client.idleConnections());
  }

  @Test
  void sendsOriginFormTargetHostUserAgentAndAcceptEncoding() throws Exception {
    server = new Scripted(head -> ok("x"));
    get(server.url("/a/b?q=1&r=%20"));
    String head = server.requests.peek();
    assertTrue(head.startsWith("GET /a/b?q=1&r=%20 HTTP/1.1\r\n"), head);
    assertTrue(head.contains("\r\nHost: 127.0.0.1:" + server.socket.getLocalPort() + "\r\n"), head);
    assertTrue(head.contains("\r\nUser-Agent: " + UA + "\r\n"), head);
    assertTrue(head.contains("\r\nAccept-Encoding: gzip, deflate\r\n"), head);
  }

  @Test
  void chunkedBodyWithExtensionsAndTrailersIsDecodedAndTheConnectionKept() throws Exception {
    server =
        new Scripted(
            head ->
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;name=value\r\nhello\r\n"
                    + "7\r\n, world\r\n"
                    + "0\r\nX-Trailer: yes\r\n\r\n");
    assertEquals("200 hello, world", get(server.url("/a")));
    assertEquals("200 hello, world", get(server.url("/b")));
    assertEquals(1, server.connections.get());
  }

  @Test
  void aBodyThatEndsAtTheCloseIsReadWholeAndTheConnectionNotKept() throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      peer(
          () -> {
            try (Socket s = raw.accept()) {
              Scripted.readHead(s.getInputStream());
              s.getOutputStream()
                  .write("HTTP/1.1 200 OK\r\n\r\nall of it".getBytes(StandardCharsets.US_ASCII));
            }
          });
      assertEquals("200 all of it", get("http://127.0.0.1:" + raw.getLocalPort() + "/"));
      assertEquals(0, client.idleConnections());
    }
  }

  @Test
  void interimResponsesAreSkipped() throws Exception {
    server =
        new Scripted(
            head ->
                "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n" + ok("final"));
    assertEquals("200 final", get(server.url("/")));
  }

  @Test
  void noContentHasNoBodyAndKeepsTheConnection() throws Exception {
    server =
        new Scripted(
            head ->
                head.startsWith("GET /empty")
                    ? "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"
                    : ok("after"));
    assertEquals("204 ", get(server.url("/empty")));
    assertEquals("200 after", get(server.url("/next")));
    assertEquals(1, server.connections.get());
  }

  @Test
  void aKeptConnectionTheServerClosedIsReplacedByANewOne() throws Exception {
    AtomicInteger served = new AtomicInteger();
    // Every connection answers once and then closes when the next request comes (as a server
    // whose keep-alive timeout passed would): the second GET finds its kept connection dead.
    server = new Scripted(head -> served.getAndIncrement() % 2 == 0 ? ok("fresh") : null);
    assertEquals("200 fresh", get(server.url("/1")));
    assertEquals("200 fresh", get(server.url("/2")));
    assertEquals(2, server.connections.get());
  }

  @Test
  void connectionCloseIsHonoured() throws Exception {
    server =
        new Scripted(head -> "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
    assertEquals("200 ok", get(server.url("/1")));
    assertEquals(0, client.idleConnections());
  }

  @Test
  void twoDifferentContentLengthsAreABadResponse() {
    server =
        uncheckedServer("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
    StageException e = fails(server.url("/"));
    assertEquals(FetchKind.BAD_RESPONSE.label(), e.kind(), e.getMessage());
    assertFalse(e instanceof RetryableException);
    assertTrue(e.getMessage().contains("two different Content-Lengths"), e.getMessage());
  }

  @Test
  void anAnswerThatIsNotHttpIsABadResponse() {
    server = uncheckedServer("SSH-2.0-OpenSSH_9.2\r\n\r\n");
    StageException e = fails(server.url("/"));
    assertEquals(FetchKind.BAD_RESPONSE.label(), e.kind(), e.getMessage());
    assertTrue(e.getMessage().contains("SSH-2.0-OpenSSH_9.2"), e.getMessage());
  }

  @Test
  void anEndlessHeaderSectionIsCutAtItsLimit() {
    String many = "X-Pad: " + "a".repeat(1000) + "\r\n";
    server = uncheckedServer("HTTP/1.1 200 OK\r\n" + many.repeat(300) + "\r\n");
    StageException e = fails(server.url("/"));
    assertEquals(FetchKind.BAD_RESPONSE.label(), e.kind(), e.getMessage());
    assertTrue(e.getMessage().contains("larger than"), e.getMessage());
  }

  @Test
  void aMalformedChunkSizeIsABadResponse() {
    server =
        uncheckedServer(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
    StageException e = fails(server.url("/"));
    assertEquals(FetchKind.BAD_RESPONSE.label(), e.kind(), e.getMessage());
  }

  @Test
  void aHostThatDoesNotResolveIsARetryableConnectFailure() {
    StageException e = fails("http://no-such-host.invalid/");
    assertEquals(FetchKind.CONNECT.label(), e.kind(), e.getMessage());
    assertInstanceOf(RetryableException.class, e);
  }

  @Test
  void anHttpProxyFromTheJvmsSelectorGetsTheAbsoluteUrl() throws Exception {
    server = new Scripted(head -> ok("via proxy"));
    ProxySelector before = ProxySelector.getDefault();
    // Unresolved, as the JDK's default selector names -Dhttp.proxyHost.
    InetSocketAddress proxy =
        InetSocketAddress.createUnresolved("127.0.0.1", server.socket.getLocalPort());
    ProxySelector.setDefault(
        new ProxySelector() {
          @Override
          public List<Proxy> select(URI uri) {
            return List.of(new Proxy(Proxy.Type.HTTP, proxy));
          }

          @Override
          public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
        });
    try (FetchHttp viaJvm = client(Map.of())) {
      // The origin's port is closed: only the proxy can answer.
      assertEquals("200 via proxy", get(viaJvm, "http://127.0.0.1:9/page?x=1"));
    } finally {
      ProxySelector.setDefault(before);
    }
    String head = server.requests.peek();
    assertTrue(head.startsWith("GET http://127.0.0.1:9/page?x=1 HTTP/1.1\r\n"), head);
  }

  /**
   * A self-signed certificate for 127.0.0.1: the server's context and a client's that trusts it.
   */
  private record Tls(SSLContext server, X509TrustManager client) {}

  private Tls tls() throws Exception {
    char[] password = "changeit".toCharArray();
    Path store = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit",
                "-alias",
                "site",
                "-keyalg",
                "EC",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2")
            .redirectErrorStream(true)
            .start();
    String keytoolOutput =
        new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, keytool.waitFor(), keytoolOutput);
    KeyStore keys = KeyStore.getInstance(store.toFile(), password);
    KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    km.init(keys, password);
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(km.getKeyManagers(), null, null);
    TrustManagerFactory tm =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tm.init(keys);
    return new Tls(serverTls, (X509TrustManager) tm.getTrustManagers()[0]);
  }

  @Test
  void theEnvironmentsHttpProxyGetsTheAbsoluteUrlAndItsCredentials() throws Exception {
    server = new Scripted(head -> ok("via env proxy"));
    Map<String, String> env =
        Map.of("http_proxy", "http://ann:secret@127.0.0.1:" + server.socket.getLocalPort());
    try (FetchHttp proxied = client(env)) {
      // example.invalid does not resolve: only the proxy can answer.
      assertEquals("200 via env proxy", get(proxied, "http://example.invalid/p?q=1"));
    }
    String head = server.requests.peek();
    assertTrue(head.startsWith("GET http://example.invalid/p?q=1 HTTP/1.1\r\n"), head);
    assertTrue(head.contains("\r\nProxy-Authorization: Basic YW5uOnNlY3JldA==\r\n"), head);
  }

  @Test
  void anHttpsProxyThatRefusesTheTunnelFailsTheFetchWithItsAnswer() throws Exception {
    server =
        new Scripted(
            head -> "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
    Map<String, String> env =
        Map.of("https_proxy", "http://ann:wrong@127.0.0.1:" + server.socket.getLocalPort());
    try (FetchHttp proxied = client(env)) {
      StageException e =
          assertThrows(StageException.class, () -> get(proxied, "https://example.invalid/"));
      assertEquals(FetchKind.BAD_RESPONSE.label(), e.kind(), e.getMessage());
      assertTrue(e.getMessage().contains("407"), e.getMessage());
    }
    String head = server.requests.peek();
    assertTrue(head.startsWith("CONNECT example.invalid:443 HTTP/1.1\r\n"), head);
    assertTrue(head.contains("\r\nProxy-Authorization: Basic "), head);
  }

  @Test
  void httpsWorksWithATrustedCertificateAndChecksTheName() throws Exception {
    Tls tls = tls();
    server = new Scripted(tls.server().getServerSocketFactory(), head -> ok("secret"));
    String url = "https://127.0.0.1:" + server.socket.getLocalPort() + "/s";
    try (FetchHttp trusting = trusting(tls)) {
      for (int i = 0; i < 2; i++) {
        assertEquals("200 secret", get(trusting, url));
      }
      assertEquals(1, server.connections.get());
      // The certificate is for 127.0.0.1: the same server under another name is refused.
      StageException wrongName =
          assertThrows(
              StageException.class,
              () -> get(trusting, "https://localhost:" + server.socket.getLocalPort() + "/s"));
      assertEquals(FetchKind.CONNECT.label(), wrongName.kind(), wrongName.getMessage());
      assertTrue(wrongName.getMessage().contains("TLS"), wrongName.getMessage());
    }
    // The JVM's default trust store does not know the certificate.
    StageException untrusted = fails(url);
    assertEquals(FetchKind.CONNECT.label(), untrusted.kind(), untrusted.getMessage());
    assertFalse(untrusted instanceof RetryableException, untrusted.getMessage());
  }

  private static FetchHttp trusting(Tls tls) {
    return new FetchHttp(
        Duration.ofSeconds(5),
        host -> List.of(InetAddress.getAllByName(host)),
        tls.client(),
        Map.of(),
        AddressGuard::isBlocked);
  }

  @Test
  void aTlsServerTricklingBytesCannotHoldTheFetchPastItsDeadline() throws Exception {
    Tls tls = tls();
    server = new Scripted(tls.server().getServerSocketFactory(), head -> ok("x".repeat(50_000)));
    // Between the client and the TLS server: its bytes pass at full speed up to a point (the
    // handshake, or the handshake and the headers), then one every 20 ms. Each TLS read waits for
    // a whole record, so only the deadline itself can end it.
    for (int fastBytes : new int[] {0, 6000}) {
      try (Relay relay = new Relay(server.socket.getLocalPort(), fastBytes);
          FetchHttp trusting = trusting(tls)) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        StageException e =
            assertThrows(
                StageException.class,
                () -> {
                  FetchHttp.Answer r =
                      trusting.send(URI.create(relay.url("/big")), UA, deadline, true);
                  BodyReader.read(r, 1 << 20, true, deadline);
                });
        assertEquals(FetchKind.TIMEOUT.label(), e.kind(), fastBytes + ": " + e.getMessage());
        // Counted in trickled bytes, not in time: a slow machine trickles fewer, never more.
        assertTrue(relay.ended.await(30, TimeUnit.SECONDS), fastBytes + ": the fetch let go");
        assertTrue(
            relay.trickled.get() < Relay.TRICKLED_IN_FIVE_SECONDS,
            fastBytes + ": " + relay.trickled.get() + " bytes trickled before the fetch let go");
      }
    }
  }

  /** Relays a TCP connection to 127.0.0.1:port; the answer's bytes after the first N trickle. */
  private static final class Relay implements AutoCloseable {
    final ServerSocket socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());

    /** Bytes the relay trickles in five seconds, one every 20 ms: the deadline is 1.5 s. */
    static final int TRICKLED_IN_FIVE_SECONDS = 250;

    final java.util.concurrent.atomic.AtomicInteger trickled =
        new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

    Relay(int port, int fastBytes) throws IOException {
      Thread t =
          new Thread(
              () -> {
                try (Socket client = socket.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), port)) {
                  Thread up =
                      new Thread(
                          () -> {
                            try {
                              client.getInputStream().transferTo(upstream.getOutputStream());
                            } catch (IOException e) {
                              // one side closed
                            }
                          });
                  up.setDaemon(true);
                  up.start();
                  InputStream in = upstream.getInputStream();
                  OutputStream out = client.getOutputStream();
                  for (int b, sent = 0; (b = in.read()) >= 0; sent++) {
                    out.write(b);
                    out.flush();
                    if (sent >= fastBytes) {
                      trickled.incrementAndGet();
                      Thread.sleep(20);
                    }
                  }
                } catch (IOException | InterruptedException e) {
                  // the client gave up: that is the point
                } finally {
                  ended.countDown();
                }
              });
      t.setDaemon(true);
      t.start();
    }

    String url(String path) {
      return "https://127.0.0.1:" + socket.getLocalPort() + path;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void aServerThatDropsTheTlsHandshakeIsARetryableConnectFailure() throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      peer(
          () -> {
            try (Socket s = raw.accept()) {
              s.getInputStream().read(new byte[512]);
            }
          });
      StageException e = fails("https://127.0.0.1:" + raw.getLocalPort() + "/");
      assertEquals(FetchKind.CONNECT.label(), e.kind(), e.getMessage());
      assertInstanceOf(RetryableException.class, e);
    }
  }

  @Test
  void bytesNobodyAskedForRetireTheConnection() throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      peer(
          () -> {
            try (Socket first = raw.accept()) {
              Scripted.readHead(first.getInputStream());
              OutputStream out = first.getOutputStream();
              out.write(ok("a").getBytes(StandardCharsets.US_ASCII));
              out.flush();
              Thread.sleep(100);
              out.write(ok("EVIL!").getBytes(StandardCharsets.US_ASCII)); // unasked
              out.flush();
              try (Socket second = raw.accept()) {
                Scripted.readHead(second.getInputStream());
                second.getOutputStream().write(ok("b").getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(200);
              }
            }
          });
      String base = "http://127.0.0.1:" + raw.getLocalPort();
      assertEquals("200 a", get(base + "/a"));
      Thread.sleep(300);
      assertEquals("200 b", get(base + "/b"));
    }
  }

  @Test
  void gzipBodyOfSeveralMembersIsDecodedWhole() throws Exception {
    byte[] one = gzip("first half ");
    byte[] two = gzip("second half");
    server = new Scripted(head -> gzipChunks(true, one, two));
    assertEquals("200 first half second half", get(server.url("/")));
  }

  @Test
  void aGzipBodyThatStallsAfterAWholeMemberTimesOutRatherThanEndingEarly() throws Exception {
    byte[] one = gzip("first member;");
    // The first chunk holds a whole gzip member; the rest of the body never comes.
    server = new Scripted(head -> gzipChunks(false, one));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(800);
    FetchHttp.Answer r = client.send(URI.create(server.url("/")), UA, deadline, true);
    StageException e =
        assertThrows(StageException.class, () -> BodyReader.read(r, 1 << 20, true, deadline));
    assertEquals(FetchKind.TIMEOUT.label(), e.kind(), e.getMessage());
  }

  /** A chunked gzip response, a chunk per member; {@code end}: with its last chunk. */
  private static String gzipChunks(boolean end, byte[]... members) {
    StringBuilder reply =
        new StringBuilder(
            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (byte[] member : members) {
      reply.append(Integer.toHexString(member.length)).append("\r\n");
      reply.append(new String(member, StandardCharsets.ISO_8859_1)).append("\r\n");
    }
    return end ? reply.append("0\r\n\r\n").toString() : reply.toString();
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.US_ASCII));
    }
    return bytes.toByteArray();
  }

  private static Scripted uncheckedServer(String reply) {
    try {
      return new Scripted(head -> reply);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void everyDnsAnswerIsTriedNotOnlyTheFirst() throws Exception {
    server = new Scripted(head -> ok("second address"));
    // Nothing listens on 127.0.0.3: the first answer refuses, the second is the server.
    FetchHttp twoAnswers =
        new FetchHttp(
            Duration.ofSeconds(5),
            host -> List.of(InetAddress.getByName("127.0.0.3"), InetAddress.getByName("127.0.0.1")),
            null,
            Map.of(),
            AddressGuard::isBlocked);
    try (twoAnswers) {
      for (int i = 0; i < 3; i++) {
        assertEquals(
            "200 second address",
            get(twoAnswers, "http://two.test:" + server.socket.getLocalPort() + "/" + i));
      }
    }
  }

  @Test
  void aServerThatDoesNotSpeakTlsIsAConnectFailureThatIsNotRetried() throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      peer(
          () -> {
            try (Socket s = raw.accept()) {
              s.getInputStream().read(new byte[512]);
              s.getOutputStream()
                  .write(
                      "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                          .getBytes(StandardCharsets.US_ASCII));
              Thread.sleep(200);
            }
          });
      StageException e = fails("https://127.0.0.1:" + raw.getLocalPort() + "/");
      assertEquals(FetchKind.CONNECT.label(), e.kind(), e.getMessage());
      assertFalse(e instanceof RetryableException, e.getMessage());
    }
  }

  @Test
  void anInterruptOfTheFetchingThreadEndsAFetchThatWaitsForTheServer() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      peer(
          () -> {
            try (Socket s = silent.accept()) {
              Thread.sleep(20_000); // reads nothing, answers nothing
            }
          });
      java.util.concurrent.CompletableFuture<Throwable> ended =
          new java.util.concurrent.CompletableFuture<>();
      Thread fetching =
          new Thread(
              () -> {
                try {
                  get("http://127.0.0.1:" + silent.getLocalPort() + "/");
                  ended.complete(null);
                } catch (Throwable t) {
                  ended.complete(t);
                }
              });
      fetching.start();
      Thread.sleep(300);
      long start = System.nanoTime();
      fetching.interrupt();
      Throwable t = ended.get(5, TimeUnit.SECONDS);
      assertInstanceOf(InterruptedException.class, t);
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1));
    }
  }
}
