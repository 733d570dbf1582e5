package dev.forkline.pipelines.scrape;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
 *
 * <p>The answers are made by {@code DemoPages}, the access log written by {@code DemoAccessLog}.
 */
public final class DemoSite {
  static {
    // The JDK's server writes a response's headers and body apart; with Nagle's algorithm on, the
    // body of every keep-alive response after the first waits for the client's delayed ACK. Read
    // once, when the first server of the JVM starts; a value set by the user stays.
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
    private final DemoAccessLog accessLog;

    private Handle(List<HttpServer> servers, ExecutorService executor, DemoAccessLog accessLog) {
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
    ExecutorService executor = executor(options.hosts());
    DemoAccessLog log = options.accessLog() == null ? null : new DemoAccessLog(options.accessLog());
    List<HttpServer> servers = bind(options, executor, log);
    Handle handle = new Handle(servers, executor, log);
    DemoPages pages = new DemoPages(realRoot, handle.retried, handle.slowAborted);
    long latencyMillis = options.latency().toMillis();
    Map<String, String> robots = new java.util.HashMap<>();
    options.crawlDelays().forEach((host, delay) -> robots.put(host, crawlDelayRobots(delay)));
    for (HttpServer server : servers) {
      String host = server.getAddress().getAddress().getHostAddress();
      server.createContext("/", handler(handle, pages, host, robots.get(host), latencyMillis, log));
    }
    servers.forEach(HttpServer::start);
    return handle;
  }

  /** A thread per request in progress (the latency is a sleep): enough for every host at once. */
  private static ExecutorService executor(int hosts) {
    AtomicInteger threadNumber = new AtomicInteger();
    return Executors.newFixedThreadPool(
        Math.max(64, hosts),
        r -> {
          Thread t = new Thread(r, "demo-site-" + threadNumber.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * A server on each of 127.0.0.1 to 127.0.0.{@code hosts}, on one port, not started yet; on a
   * failure, what was made is stopped and closed.
   */
  private static List<HttpServer> bind(Options options, ExecutorService executor, DemoAccessLog log)
      throws IOException {
    List<HttpServer> servers = new java.util.ArrayList<>();
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
    return List.copyOf(servers);
  }

  /**
   * The handler of one host: counts the request, waits the latency, answers (with {@code
   * hostRobots} for {@code /robots.txt} when not null), and logs it.
   */
  private static HttpHandler handler(
      Handle handle,
      DemoPages pages,
      String host,
      String hostRobots,
      long latencyMillis,
      DemoAccessLog log) {
    AtomicInteger hostHits = handle.hitsByHost.computeIfAbsent(host, k -> new AtomicInteger());
    return exchange -> {
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
          DemoPages.text(exchange, 200, hostRobots);
        } else {
          pages.serve(exchange);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException | RuntimeException e) {
        // the client went away or sent nonsense; nothing to answer
      }
      if (log != null) {
        log.write(
            arrived, host, path, exchange.getResponseCode(), (System.nanoTime() - t0) / 1_000_000);
      }
    };
  }

  /** A robots.txt that allows everything and asks for {@code delay} between requests. */
  static String crawlDelayRobots(Duration delay) {
    String seconds =
        java.math.BigDecimal.valueOf(delay.toMillis(), 3).stripTrailingZeros().toPlainString();
    return "User-agent: *\nCrawl-delay: " + seconds + "\nDisallow:\n";
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
