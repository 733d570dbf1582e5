package dev.forkline.pipelines.scrape;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * A small local web site to scrape: static files from a folder plus paths that misbehave on purpose
 * (errors, redirect loops, trickling, gzip bombs), so the fetcher can be tried and tested without
 * the internet. Binds loopback addresses only: 127.0.0.1, or 127.0.0.1 to 127.0.0.N on one port to
 * stand for N sites.
 *
 * <p>Dynamic paths: {@code /_status/NNN[?retry-after=V]} answers NNN (with that Retry-After);
 * {@code /_redirect/loop} redirects to {@code /_redirect/loop?again} and back; {@code
 * /_redirect/to?url=U[&status=S]} redirects to U; {@code /_redirect/chain/N} redirects N times
 * before a page; {@code /_slow[?ms=M]} sends one byte every M ms (default 1000) for ten minutes;
 * {@code /_retry-after} answers 503 with {@code Retry-After: 1} the first time per client and path,
 * then 200; {@code /_gzip-bomb} sends ~1 MB of gzip that inflates to 1 GiB; {@code /_big[?mb=N]}
 * sends N MB (default 20).
 */
public final class DemoSite {
  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html"),
          Map.entry("htm", "text/html"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("json", "application/json"),
          Map.entry("xml", "application/xml"),
          Map.entry("csv", "text/csv; charset=utf-8"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("webp", "image/webp"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("pdf", "application/pdf"));

  private static final int BOMB_MEMBERS = 1024; // x 1 MiB of zeros = 1 GiB inflated
  private static final long SLOW_FOR_MILLIS = TimeUnit.MINUTES.toMillis(10);

  static {
    // The JDK's server writes a response's headers and body apart; with Nagle's algorithm on, the
    // body of every keep-alive response after the first waits for the client's delayed ACK (40 ms
    // on Linux): a "50 ms" page took 92 ms to every client. Read once, when the first server of
    // the JVM starts; a value set by the user (-Dsun.net.httpserver.nodelay=false) stays.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private DemoSite() {}

  /**
   * What to serve: {@link #of(Path)}, then {@code withX} for the port, latency, the number of
   * loopback hosts, a {@code Crawl-delay} per host and an access log.
   *
   * @param hosts serve on 127.0.0.1 to 127.0.0.{@code hosts}, all on the same port (Linux routes
   *     all of 127/8 to the loopback device), so a crawler sees that many sites
   * @param crawlDelays per served address (e.g. {@code 127.0.0.21}): its {@code /robots.txt} is
   *     {@code User-agent: *} and {@code Crawl-delay: S} instead of the folder's, to make one host
   *     slow
   * @param accessLog null, or a file each request is appended to as a line {@code START HOST PATH
   *     STATUS MS}: arrival in epoch seconds (microseconds), the address it came in on, the raw
   *     path, the status sent, the time to answer in milliseconds
   */
  public record Options(
      Path root,
      int port,
      Duration latency,
      int hosts,
      Map<String, Duration> crawlDelays,
      Path accessLog) {
    /** The most hosts: 127.0.0.1 to 127.0.0.254. */
    public static final int MAX_HOSTS = 254;

    public Options {
      crawlDelays = Map.copyOf(crawlDelays);
    }

    /** {@code root} on 127.0.0.1, any free port, no latency, no log. */
    public static Options of(Path root) {
      return new Options(root, 0, Duration.ZERO, 1, Map.of(), null);
    }

    /** 0 for any free port. */
    public Options withPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 (any) to 65535, got " + port);
      }
      return new Options(root, port, latency, hosts, crawlDelays, accessLog);
    }

    /** Added before every response; zero (or null) for none. */
    public Options withLatency(Duration latency) {
      Duration l = latency == null ? Duration.ZERO : latency;
      if (l.isNegative()) {
        throw new IllegalArgumentException("latency must be 0 or more, got " + latency);
      }
      return new Options(root, port, l, hosts, crawlDelays, accessLog);
    }

    /** Serve on 127.0.0.1 to 127.0.0.{@code hosts}. */
    public Options withHosts(int hosts) {
      if (hosts < 1 || hosts > MAX_HOSTS) {
        throw new IllegalArgumentException(
            "hosts must be 1 to "
                + MAX_HOSTS
                + " (127.0.0.1 to 127.0.0."
                + MAX_HOSTS
                + "), got "
                + hosts);
      }
      return new Options(root, port, latency, hosts, crawlDelays, accessLog);
    }

    /** Serves a robots.txt asking for {@code delay} between requests on {@code address}. */
    public Options withCrawlDelay(String address, Duration delay) {
      hostNumber(address); // checks the form
      if (delay.isNegative() || delay.isZero()) {
        throw new IllegalArgumentException(
            "the Crawl-delay for " + address + " must be more than 0, got " + delay);
      }
      Map<String, Duration> m = new java.util.TreeMap<>(crawlDelays);
      m.put(address, delay);
      return new Options(root, port, latency, hosts, m, accessLog);
    }

    /** Appends a line per request to {@code file}. */
    public Options withAccessLog(Path file) {
      return new Options(root, port, latency, hosts, crawlDelays, file);
    }

    /** 127.0.0.K -> K; anything else is refused with what is accepted. */
    public static int hostNumber(String address) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("127\\.0\\.0\\.(\\d{1,3})").matcher(address);
      int k = m.matches() ? Integer.parseInt(m.group(1)) : -1;
      if (k < 1 || k > MAX_HOSTS) {
        throw new IllegalArgumentException(
            "'"
                + address
                + "' is not a demo site host: accepted are 127.0.0.1 to 127.0.0."
                + MAX_HOSTS);
      }
      return k;
    }
  }

  /** A running site: its port, request counts, and {@link #close()}. */
  public static final class Handle implements AutoCloseable {
    private final List<HttpServer> servers;
    private final ExecutorService executor;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hitsByHost = new ConcurrentHashMap<>();
    private final Set<String> retried = ConcurrentHashMap.newKeySet();
    private final AtomicInteger slowAborted = new AtomicInteger();
    private final AccessLog accessLog;

    private Handle(List<HttpServer> servers, ExecutorService executor, AccessLog accessLog) {
      this.servers = servers;
      this.executor = executor;
      this.accessLog = accessLog;
    }

    /** The port the site listens on (the same on every host). */
    public int port() {
      return servers.get(0).getAddress().getPort();
    }

    /** How many hosts serve the site: 127.0.0.1 to 127.0.0.{@code hosts()}. */
    public int hosts() {
      return servers.size();
    }

    /** {@code http://127.0.0.1:PORT} + path. */
    public String url(String path) {
      return url(1, path);
    }

    /** {@code http://127.0.0.HOST:PORT} + path, host counted from 1. */
    public String url(int host, String path) {
      if (host < 1 || host > servers.size()) {
        throw new IllegalArgumentException(
            "host " + host + " is not served: 1 to " + servers.size());
      }
      return "http://127.0.0." + host + ":" + port() + path;
    }

    /** How many requests asked for this path (without query), on any host. */
    public int requests(String path) {
      AtomicInteger n = hits.get(path);
      return n == null ? 0 : n.get();
    }

    /** How many requests came in on this address (e.g. {@code 127.0.0.2}). */
    public int requestsOn(String address) {
      AtomicInteger n = hitsByHost.get(address);
      return n == null ? 0 : n.get();
    }

    /** Trickling responses that ended because the client closed the connection. */
    public int slowAborted() {
      return slowAborted.get();
    }

    /** Stops the servers and their threads (a trickle in progress is cut). */
    @Override
    public void close() {
      for (HttpServer server : servers) {
        server.stop(0);
      }
      executor.shutdown();
      try {
        // A handler that has answered still writes its access-log line; a trickle is cut.
        executor.awaitTermination(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      executor.shutdownNow();
      if (accessLog != null) {
        accessLog.close();
      }
    }
  }

  /** One line per answered request, flushed as written, so a reader sees every finished one. */
  private static final class AccessLog {
    private final java.io.Writer out;

    AccessLog(Path file) throws IOException {
      out =
          Files.newBufferedWriter(
              file,
              StandardCharsets.UTF_8,
              java.nio.file.StandardOpenOption.CREATE,
              java.nio.file.StandardOpenOption.APPEND);
    }

    synchronized void write(
        java.time.Instant start, String host, String path, int status, long ms) {
      try {
        out.write(
            String.format(
                Locale.ROOT,
                "%d.%06d %s %s %d %d%n",
                start.getEpochSecond(),
                start.getNano() / 1000,
                host,
                path,
                status,
                ms));
        out.flush();
      } catch (IOException e) {
        // a full disk loses log lines, not answers
      }
    }

    synchronized void close() {
      try {
        out.close();
      } catch (IOException e) {
        // nothing left to save
      }
    }
  }

  /**
   * Serves {@code root} on 127.0.0.1.
   *
   * @param port 0 for any free port
   * @param latency added before every response; zero for none
   */
  public static Handle start(Path root, int port, Duration latency) throws IOException {
    return start(Options.of(root).withPort(port).withLatency(latency));
  }

  /** Serves {@code options.root()} on every host the options name, on one port. */
  public static Handle start(Options options) throws IOException {
    Path root = options.root();
    if (!Files.isDirectory(root)) {
      throw new IOException("the demo site's root must be a folder: " + root);
    }
    for (String address : options.crawlDelays().keySet()) {
      if (Options.hostNumber(address) > options.hosts()) {
        throw new IllegalArgumentException(
            "a Crawl-delay is set for "
                + address
                + ", which is not served: the site is on 127.0.0.1 to 127.0.0."
                + options.hosts());
      }
    }
    Path realRoot = root.toRealPath();
    AtomicInteger threadNumber = new AtomicInteger();
    // a thread per request in progress (the latency is a sleep): enough for every host at once
    ExecutorService executor =
        Executors.newFixedThreadPool(
            Math.max(64, options.hosts()),
            r -> {
              Thread t = new Thread(r, "demo-site-" + threadNumber.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    List<HttpServer> servers = new java.util.ArrayList<>();
    AccessLog log = options.accessLog() == null ? null : new AccessLog(options.accessLog());
    try {
      int port = options.port();
      for (int k = 1; k <= options.hosts(); k++) {
        InetAddress address = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) k});
        HttpServer server;
        try {
          server = HttpServer.create(new InetSocketAddress(address, port), 64);
        } catch (IOException e) {
          throw new IOException(
              "cannot listen on " + address.getHostAddress() + ":" + port + ": " + e.getMessage(),
              e);
        }
        port = server.getAddress().getPort(); // the first host's free port is everyone's
        server.setExecutor(executor);
        servers.add(server);
      }
    } catch (IOException | RuntimeException e) {
      servers.forEach(s -> s.stop(0));
      executor.shutdownNow();
      if (log != null) {
        log.close();
      }
      throw e;
    }
    Handle handle = new Handle(List.copyOf(servers), executor, log);
    byte[] bombMember = gzipZeros(1 << 20);
    long latencyMillis = options.latency().toMillis();
    Map<String, String> robots = new java.util.HashMap<>();
    options.crawlDelays().forEach((host, delay) -> robots.put(host, crawlDelayRobots(delay)));
    for (HttpServer server : servers) {
      String host = server.getAddress().getAddress().getHostAddress();
      AtomicInteger hostHits = handle.hitsByHost.computeIfAbsent(host, k -> new AtomicInteger());
      String hostRobots = robots.get(host);
      server.createContext(
          "/",
          exchange -> {
            java.time.Instant arrived = java.time.Instant.now();
            long t0 = System.nanoTime();
            String path = exchange.getRequestURI().getRawPath();
            try (exchange) {
              handle.hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
              hostHits.incrementAndGet();
              if (latencyMillis > 0) {
                Thread.sleep(latencyMillis);
              }
              if (hostRobots != null && path.equals("/robots.txt")) {
                text(exchange, 200, hostRobots);
              } else {
                serve(exchange, realRoot, handle, bombMember);
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
              // the client went away or sent nonsense; nothing to answer
            }
            if (log != null) {
              log.write(
                  arrived,
                  host,
                  path,
                  exchange.getResponseCode(),
                  (System.nanoTime() - t0) / 1_000_000);
            }
          });
    }
    servers.forEach(HttpServer::start);
    return handle;
  }

  /** A robots.txt that allows everything and asks for {@code delay} between requests. */
  static String crawlDelayRobots(Duration delay) {
    String seconds =
        java.math.BigDecimal.valueOf(delay.toMillis(), 3).stripTrailingZeros().toPlainString();
    return "User-agent: *\nCrawl-delay: " + seconds + "\nDisallow:\n";
  }

  private static void serve(HttpExchange ex, Path root, Handle handle, byte[] bombMember)
      throws IOException, InterruptedException {
    String method = ex.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      text(ex, 405, "only GET and HEAD are served\n");
      return;
    }
    URI uri = ex.getRequestURI();
    String path = uri.getRawPath();
    Map<String, String> query = query(uri.getRawQuery());
    if (path.startsWith("/_status/")) {
      int status = parseInt(path.substring("/_status/".length()), -1);
      if (status < 200 || status > 599) {
        text(ex, 400, "/_status/NNN takes a status from 200 to 599\n");
      } else {
        if (query.containsKey("retry-after")) {
          ex.getResponseHeaders().set("Retry-After", query.get("retry-after"));
        }
        text(ex, status, "status " + status + "\n");
      }
    } else if (path.equals("/_redirect/loop")) {
      redirect(ex, 302, query.containsKey("again") ? "/_redirect/loop" : "/_redirect/loop?again");
    } else if (path.equals("/_redirect/to")) {
      String target = query.get("url");
      if (target == null) {
        text(ex, 400, "/_redirect/to needs ?url=TARGET\n");
      } else {
        redirect(ex, parseInt(query.getOrDefault("status", "302"), 302), target);
      }
    } else if (path.startsWith("/_redirect/chain/")) {
      int n = parseInt(path.substring("/_redirect/chain/".length()), -1);
      if (n < 0) {
        text(ex, 400, "/_redirect/chain/N takes a count N of 0 or more\n");
      } else if (n == 0) {
        html(ex, "<html><body><h1>end of the chain</h1></body></html>\n");
      } else {
        redirect(ex, 302, "/_redirect/chain/" + (n - 1));
      }
    } else if (path.equals("/_slow")) {
      slow(ex, Math.max(1, parseInt(query.getOrDefault("ms", "1000"), 1000)), handle);
    } else if (path.equals("/_retry-after")) {
      String client = ex.getRemoteAddress().getAddress().getHostAddress() + " " + uri;
      if (handle.retried.add(client)) {
        ex.getResponseHeaders().set("Retry-After", "1");
        text(ex, 503, "busy: come back in a second\n");
      } else {
        html(ex, "<html><body><h1>back again</h1></body></html>\n");
      }
    } else if (path.equals("/_gzip-bomb")) {
      ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      ex.getResponseHeaders().set("Content-Encoding", "gzip");
      ex.sendResponseHeaders(200, (long) bombMember.length * BOMB_MEMBERS);
      try (OutputStream out = ex.getResponseBody()) {
        for (int i = 0; i < BOMB_MEMBERS; i++) {
          out.write(bombMember);
        }
      }
    } else if (path.equals("/_big")) {
      long size = (long) Math.max(0, parseInt(query.getOrDefault("mb", "20"), 20)) << 20;
      ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      ex.sendResponseHeaders(200, size == 0 ? -1 : size);
      byte[] block = new byte[64 * 1024];
      java.util.Arrays.fill(block, (byte) 'x');
      try (OutputStream out = ex.getResponseBody()) {
        for (long sent = 0; sent < size; sent += block.length) {
          out.write(block, 0, (int) Math.min(block.length, size - sent));
        }
      }
    } else {
      file(ex, root, uri);
    }
  }

  private static void file(HttpExchange ex, Path root, URI uri) throws IOException {
    String decoded = uri.getPath(); // decodes %2e%2e and friends before the check below
    if (decoded == null || decoded.indexOf('\0') >= 0 || decoded.contains("\\")) {
      text(ex, 400, "bad path\n");
      return;
    }
    Path target;
    try {
      target = root.resolve(decoded.replaceFirst("^/+", "")).normalize();
    } catch (InvalidPathException e) {
      text(ex, 400, "bad path\n");
      return;
    }
    if (!target.startsWith(root)) {
      text(ex, 403, "the path leaves the site's folder\n");
      return;
    }
    if (Files.isDirectory(target)) {
      if (!uri.getRawPath().endsWith("/")) {
        redirect(ex, 301, uri.getRawPath() + "/");
        return;
      }
      target = target.resolve("index.html");
    }
    if (!Files.isRegularFile(target)) {
      text(ex, 404, "not found: " + uri.getRawPath() + "\n");
      return;
    }
    if (!target.toRealPath().startsWith(root)) {
      text(ex, 403, "the path leaves the site's folder\n");
      return;
    }
    String name = target.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    ex.getResponseHeaders()
        .set("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"));
    long size = Files.size(target);
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.getResponseHeaders().set("Content-Length", Long.toString(size));
      ex.sendResponseHeaders(200, -1);
      return;
    }
    ex.sendResponseHeaders(200, size == 0 ? -1 : size);
    try (InputStream in = Files.newInputStream(target);
        OutputStream out = ex.getResponseBody()) {
      in.transferTo(out);
    }
  }

  private static void slow(HttpExchange ex, int intervalMillis, Handle handle)
      throws IOException, InterruptedException {
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(200, 0); // chunked
    long end = System.currentTimeMillis() + SLOW_FOR_MILLIS;
    try (OutputStream out = ex.getResponseBody()) {
      while (System.currentTimeMillis() < end) {
        out.write('.');
        out.flush();
        Thread.sleep(intervalMillis);
      }
    } catch (IOException e) {
      handle.slowAborted.incrementAndGet();
      throw e;
    }
  }

  private static void redirect(HttpExchange ex, int status, String location) throws IOException {
    ex.getResponseHeaders().set("Location", location);
    text(ex, status, "see " + location + "\n");
  }

  private static void html(HttpExchange ex, String body) throws IOException {
    send(ex, 200, "text/html; charset=utf-8", body);
  }

  private static void text(HttpExchange ex, int status, String body) throws IOException {
    send(ex, status, "text/plain; charset=utf-8", body);
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    boolean noBody = status == 204 || status == 304 || ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, noBody ? -1 : bytes.length);
    if (!noBody) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new java.util.HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return out;
  }

  private static int parseInt(String s, int otherwise) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  private static byte[] gzipZeros(int size) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(new byte[size]);
    } catch (IOException e) {
      throw new IllegalStateException("gzip into memory failed", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Serves a folder until stopped: {@code DemoSite FOLDER [PORT [LATENCY_MS]]}; port 0 picks one.
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 3) {
      System.err.println("usage: DemoSite FOLDER [PORT (default 8080, 0 = any) [LATENCY_MS]]");
      System.exit(2);
    }
    Path root = Path.of(args[0]);
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
    Duration latency = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 0);
    Handle site = start(root, port, latency);
    Runtime.getRuntime().addShutdownHook(new Thread(site::close, "demo-site-stop"));
    System.out.println("demo site: serving " + root.toAbsolutePath() + " at " + site.url("/"));
    Thread.currentThread().join();
  }
}
