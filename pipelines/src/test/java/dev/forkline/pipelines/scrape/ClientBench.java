package dev.forkline.pipelines.scrape;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * The fetch stage's HTTP client on documentation-like pages of 50, 150 and 300 KB (identity and
 * gzip), served by a JDK HTTP server in a JVM of its own on 127.0.0.1: N pages at 64 in flight per
 * round, reporting pages/s and this JVM's CPU per page (the client, its decoding, GC and JIT; the
 * server's CPU is its own JVM's). Clients to compare are added to {@link #clients} and run in
 * alternating rounds in one JVM (docs/performance.md, "HTTP client", compared forkline's former own
 * client with OkHttp this way).
 *
 * <pre>{@code java -cp pipelines/target/forkline.jar dev.forkline.pipelines.scrape.ClientBench
 * [rounds] [pages-scale]}</pre>
 */
public final class ClientBench {
  private static final int IN_FLIGHT = 64;
  private static final int[] SIZES_KB = {50, 150, 300};
  private static final int PAGES_PER_SIZE = 16;
  private static final String UA = "forkline-bench/1";

  private ClientBench() {}

  /** One way to fetch a page whole: send, read and decode the body, release the connection. */
  interface Client extends AutoCloseable {
    int fetch(URI uri, long deadline) throws Exception;

    @Override
    void close();
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("serve")) {
      serve();
      return;
    }
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    double scale = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
    Process server = startServer();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
      int port = Integer.parseInt(out.readLine().strip());
      run(port, rounds, scale, server.pid());
    } finally {
      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static List<Client> clients() {
    List<Client> clients = new ArrayList<>();
    FetchHttp okhttp = new FetchHttp(Duration.ofSeconds(10));
    clients.add(
        new Client() {
          @Override
          public int fetch(URI uri, long deadline) throws Exception {
            FetchHttp.Answer a = okhttp.send(uri, UA, deadline, true);
            return BodyReader.read(a, 5 << 20, false, deadline).bytes().length;
          }

          @Override
          public void close() {
            okhttp.close();
          }

          @Override
          public String toString() {
            return "okhttp";
          }
        });
    return clients;
  }

  private static void run(int port, int rounds, double scale, long serverPid) throws Exception {
    List<Client> clients = clients();
    ExecutorService threads = Executors.newFixedThreadPool(IN_FLIGHT);
    System.out.printf(
        Locale.ROOT,
        "| page | coding | client | pages | pages/s (median) | CPU ms/page (median) | server CPU"
            + " ms/page |%n| --- | --- | --- | --- | --- | --- | --- |%n");
    for (int kb : SIZES_KB) {
      int pages = (int) Math.max(IN_FLIGHT, Math.round(scale * 150_000.0 / kb));
      for (String coding : new String[] {"identity", "gzip"}) {
        String base = "http://127.0.0.1:" + port + "/" + coding + "/" + kb + "/";
        for (Client c : clients) {
          round(threads, c, base, IN_FLIGHT * 2, serverPid); // warm-up: JIT, connections
        }
        List<List<double[]>> results = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
          results.add(new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
          for (int k = 0; k < clients.size(); k++) {
            int i = (r % 2 == 0) ? k : clients.size() - 1 - k; // ABBA order
            results.get(i).add(round(threads, clients.get(i), base, pages, serverPid));
          }
        }
        for (int i = 0; i < clients.size(); i++) {
          List<double[]> rs = results.get(i);
          System.out.printf(
              Locale.ROOT,
              "| %d KB | %s | %s | %d x %d | %.0f | %.3f | %.3f |%n",
              kb,
              coding,
              clients.get(i),
              rounds,
              pages,
              median(rs, 0),
              median(rs, 1),
              median(rs, 2));
        }
      }
    }
    threads.shutdownNow();
    for (Client c : clients) {
      c.close();
    }
  }

  /** One round: pages/s, this JVM's CPU ms a page, the server's CPU ms a page. */
  private static double[] round(
      ExecutorService threads, Client client, String base, int pages, long serverPid)
      throws Exception {
    System.gc();
    AtomicInteger next = new AtomicInteger();
    long cpu0 = processCpuNanos();
    long server0 = serverCpuNanos(serverPid);
    long t0 = System.nanoTime();
    List<Future<Long>> jobs = new ArrayList<>();
    for (int t = 0; t < IN_FLIGHT; t++) {
      jobs.add(
          threads.submit(
              () -> {
                long bytes = 0;
                for (int i; (i = next.getAndIncrement()) < pages; ) {
                  URI uri = URI.create(base + (i % PAGES_PER_SIZE) + ".html");
                  bytes += client.fetch(uri, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
                }
                return bytes;
              }));
    }
    for (Future<Long> j : jobs) {
      j.get();
    }
    long wall = System.nanoTime() - t0;
    long cpu = processCpuNanos() - cpu0;
    long server = serverCpuNanos(serverPid) - server0;
    return new double[] {
      pages / (wall / 1e9), cpu / 1e6 / pages, server < 0 ? Double.NaN : server / 1e6 / pages
    };
  }

  private static double median(List<double[]> rs, int column) {
    List<Double> v = new ArrayList<>();
    for (double[] r : rs) {
      v.add(r[column]);
    }
    Collections.sort(v);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** utime + stime of a process from /proc (Linux), in nanoseconds; -1 elsewhere. */
  private static long serverCpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static Process startServer() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx512m",
            "-Dsun.net.httpserver.nodelay=true", // no Nagle stalls between head and body
            "-cp",
            System.getProperty("java.class.path"),
            ClientBench.class.getName(),
            "serve")
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  /** The server: {@code /identity/KB/N.html} and {@code /gzip/KB/N.html}, made once, in memory. */
  private static void serve() throws IOException {
    byte[][][] identity = new byte[SIZES_KB.length][PAGES_PER_SIZE][];
    byte[][][] gzip = new byte[SIZES_KB.length][PAGES_PER_SIZE][];
    for (int s = 0; s < SIZES_KB.length; s++) {
      for (int i = 0; i < PAGES_PER_SIZE; i++) {
        identity[s][i] = docPage(SIZES_KB[s] * 1024, new Random(31L * s + i));
        gzip[s][i] = gzip(identity[s][i]);
      }
    }
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    server.setExecutor(Executors.newFixedThreadPool(IN_FLIGHT));
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            String[] parts = ex.getRequestURI().getPath().split("/");
            int s = indexOf(Integer.parseInt(parts[2]));
            int i = Integer.parseInt(parts[3].replace(".html", "")) % PAGES_PER_SIZE;
            boolean gz = parts[1].equals("gzip");
            byte[] body = gz ? gzip[s][i] : identity[s][i];
            ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            if (gz) {
              ex.getResponseHeaders().set("Content-Encoding", "gzip");
            }
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(body);
            }
          } catch (RuntimeException e) {
            ex.sendResponseHeaders(404, -1);
          }
        });
    server.start();
    System.out.println(server.getAddress().getPort());
    System.out.flush();
    // Serves until the bench ends it (or its stdin closes).
    try {
      while (System.in.read() >= 0) {
        // nothing comes
      }
    } finally {
      server.stop(0);
      System.exit(0);
    }
  }

  private static int indexOf(int kb) {
    for (int s = 0; s < SIZES_KB.length; s++) {
      if (SIZES_KB[s] == kb) {
        return s;
      }
    }
    throw new IllegalArgumentException("no page size " + kb);
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4);
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(bytes);
    }
    return out.toByteArray();
  }

  private static final String[] WORDS =
      ("the a of to and in is for that with on as by this be are from or it an can which you"
              + " pipeline stage worker config value returns option default element bundle"
              + " runner window schema record field table parquet column timeout retry host"
              + " request response header body client server thread executor batch stream"
              + " transform function method parameter exception error failure limit size")
          .split(" ");

  /**
   * A page like generated API documentation: head with styles and scripts, a navigation tree of
   * links, headings, prose with inline code and links, code blocks and parameter tables, until
   * {@code target} bytes.
   */
  static byte[] docPage(int target, Random random) {
    StringBuilder p = new StringBuilder(target + 4096);
    p.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>")
        .append(title(random))
        .append(" &mdash; Reference</title>\n");
    for (int i = 0; i < 6; i++) {
      p.append("<link rel=\"stylesheet\" href=\"/_static/css/theme-")
          .append(i)
          .append(".css?v=")
          .append(Integer.toHexString(random.nextInt()))
          .append("\">\n");
    }
    p.append(
        "<script src=\"/_static/js/search.js\" defer></script></head>\n<body class=\"doc\">\n");
    p.append("<nav class=\"sidebar\" aria-label=\"Main\"><ul class=\"toctree\">\n");
    for (int i = 0; i < 120; i++) {
      p.append("<li class=\"toctree-l")
          .append(1 + random.nextInt(3))
          .append("\"><a class=\"reference internal\" href=\"/docs/")
          .append(word(random))
          .append('/')
          .append(word(random))
          .append(".html#")
          .append(word(random))
          .append("\">")
          .append(title(random))
          .append("</a></li>\n");
    }
    p.append("</ul></nav>\n<main class=\"content\" role=\"main\">\n");
    int section = 0;
    while (p.length() < target - 200) {
      section++;
      p.append("<section id=\"s")
          .append(section)
          .append("\"><h2>")
          .append(title(random))
          .append("<a class=\"headerlink\" href=\"#s")
          .append(section)
          .append("\">&para;</a></h2>\n");
      for (int k = 0; k < 3; k++) {
        p.append("<p>");
        int words = 40 + random.nextInt(60);
        for (int w = 0; w < words; w++) {
          int r = random.nextInt(20);
          if (r == 0) {
            p.append("<code class=\"docutils literal\">").append(word(random)).append("()</code> ");
          } else if (r == 1) {
            p.append("<a href=\"/docs/api/")
                .append(word(random))
                .append(".html\">")
                .append(word(random))
                .append("</a> ");
          } else {
            p.append(word(random)).append(' ');
          }
        }
        p.append("</p>\n");
      }
      p.append("<div class=\"highlight-java\"><pre><code>");
      int lines = 6 + random.nextInt(14);
      for (int l = 0; l < lines; l++) {
        p.append("  ".repeat(random.nextInt(4)))
            .append("<span class=\"n\">")
            .append(word(random))
            .append("</span>.<span class=\"na\">")
            .append(word(random))
            .append("</span>(<span class=\"s\">&quot;")
            .append(word(random))
            .append("&quot;</span>, ")
            .append(random.nextInt(1000))
            .append(");\n");
      }
      p.append("</code></pre></div>\n<table class=\"params\"><thead><tr><th>Name</th><th>Type</th>")
          .append("<th>Default</th><th>Description</th></tr></thead><tbody>\n");
      int rows = 3 + random.nextInt(8);
      for (int r = 0; r < rows; r++) {
        p.append("<tr><td><code>")
            .append(word(random))
            .append('_')
            .append(word(random))
            .append("</code></td><td>")
            .append(random.nextBoolean() ? "int" : "String")
            .append("</td><td>")
            .append(random.nextInt(100))
            .append("</td><td>")
            .append(title(random))
            .append(' ')
            .append(title(random))
            .append("</td></tr>\n");
      }
      p.append("</tbody></table></section>\n");
    }
    p.append("</main><footer>&copy; forkline bench</footer></body></html>\n");
    return p.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String word(Random random) {
    return WORDS[random.nextInt(WORDS.length)];
  }

  private static String title(Random random) {
    StringBuilder t = new StringBuilder();
    int n = 2 + random.nextInt(4);
    for (int i = 0; i < n; i++) {
      String w = word(random);
      t.append(i == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
      if (i < n - 1) {
        t.append(' ');
      }
    }
    return t.toString();
  }
}
