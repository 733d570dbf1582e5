package dev.forkline.pipelines.scrape;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * What the {@link DemoSite} answers to a request: its misbehaving paths ({@code /_status}, {@code
 * /_redirect}, {@code /_slow}, ...) and the files of its folder. One per site, on every host.
 */
final class DemoPages {
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

  private final Path root;
  private final byte[] bombMember = gzipZeros(1 << 20);
  private final Set<String> retried;
  private final AtomicInteger slowAborted;

  /**
   * @param root the site's folder, as a real path
   * @param retried the clients and paths {@code /_retry-after} has answered 503 once
   * @param slowAborted counts the trickles the client ended
   */
  DemoPages(Path root, Set<String> retried, AtomicInteger slowAborted) {
    this.root = root;
    this.retried = retried;
    this.slowAborted = slowAborted;
  }

  /** Answers {@code ex}: a dynamic path, else a file of the folder. */
  void serve(HttpExchange ex) throws IOException, InterruptedException {
    String method = ex.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      text(ex, 405, "only GET and HEAD are served\n");
      return;
    }
    URI uri = ex.getRequestURI();
    String path = uri.getRawPath();
    Map<String, String> query = query(uri.getRawQuery());
    if (path.startsWith("/_status/")) {
      status(ex, path, query);
    } else if (path.equals("/_redirect/loop")) {
      redirect(ex, 302, query.containsKey("again") ? "/_redirect/loop" : "/_redirect/loop?again");
    } else if (path.equals("/_redirect/to")) {
      redirectTo(ex, query);
    } else if (path.startsWith("/_redirect/chain/")) {
      chain(ex, path);
    } else if (path.equals("/_slow")) {
      slow(ex, Math.max(1, parseInt(query.getOrDefault("ms", "1000"), 1000)));
    } else if (path.equals("/_retry-after")) {
      retryAfter(ex, uri);
    } else if (path.equals("/_gzip-bomb")) {
      gzipBomb(ex);
    } else if (path.equals("/_big")) {
      big(ex, query);
    } else {
      file(ex, uri);
    }
  }

  private static void status(HttpExchange ex, String path, Map<String, String> query)
      throws IOException {
    int status = parseInt(path.substring("/_status/".length()), -1);
    if (status < 200 || status > 599) {
      text(ex, 400, "/_status/NNN takes a status from 200 to 599\n");
    } else {
      if (query.containsKey("retry-after")) {
        ex.getResponseHeaders().set("Retry-After", query.get("retry-after"));
      }
      text(ex, status, "status " + status + "\n");
    }
  }

  private static void redirectTo(HttpExchange ex, Map<String, String> query) throws IOException {
    String target = query.get("url");
    if (target == null) {
      text(ex, 400, "/_redirect/to needs ?url=TARGET\n");
    } else {
      redirect(ex, parseInt(query.getOrDefault("status", "302"), 302), target);
    }
  }

  private static void chain(HttpExchange ex, String path) throws IOException {
    int n = parseInt(path.substring("/_redirect/chain/".length()), -1);
    if (n < 0) {
      text(ex, 400, "/_redirect/chain/N takes a count N of 0 or more\n");
    } else if (n == 0) {
      html(ex, "<html><body><h1>end of the chain</h1></body></html>\n");
    } else {
      redirect(ex, 302, "/_redirect/chain/" + (n - 1));
    }
  }

  private void retryAfter(HttpExchange ex, URI uri) throws IOException {
    String client = ex.getRemoteAddress().getAddress().getHostAddress() + " " + uri;
    if (retried.add(client)) {
      ex.getResponseHeaders().set("Retry-After", "1");
      text(ex, 503, "busy: come back in a second\n");
    } else {
      html(ex, "<html><body><h1>back again</h1></body></html>\n");
    }
  }

  private void gzipBomb(HttpExchange ex) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    ex.getResponseHeaders().set("Content-Encoding", "gzip");
    ex.sendResponseHeaders(200, (long) bombMember.length * BOMB_MEMBERS);
    try (OutputStream out = ex.getResponseBody()) {
      for (int i = 0; i < BOMB_MEMBERS; i++) {
        out.write(bombMember);
      }
    }
  }

  private static void big(HttpExchange ex, Map<String, String> query) throws IOException {
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
  }

  private void file(HttpExchange ex, URI uri) throws IOException {
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
    boolean gzip = false;
    String asked = target.getFileName() == null ? "" : target.getFileName().toString();
    if (!Files.exists(target) && asked.endsWith(".xml.gz")) {
      // A sitemap is served gzipped from its plain file, so the site keeps one copy of it.
      Path plain = target.resolveSibling(asked.substring(0, asked.length() - 3));
      if (Files.isRegularFile(plain)) {
        target = plain;
        gzip = true;
      }
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
    if (ext.equals("xml") || name.equals("robots.txt")) {
      templated(ex, target, ext, gzip);
      return;
    }
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

  /**
   * A sitemap or robots.txt with {@code {{origin}}} replaced by the origin the client asked (its
   * Host header), so their absolute URLs hold on any port; gzipped when asked as {@code .xml.gz}.
   */
  private static void templated(HttpExchange ex, Path file, String ext, boolean gzip)
      throws IOException {
    String host = ex.getRequestHeaders().getFirst("Host");
    String origin = "http://" + (host == null ? "127.0.0.1" : host);
    byte[] body =
        Files.readString(file, java.nio.charset.StandardCharsets.UTF_8)
            .replace("{{origin}}", origin)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String type = ext.equals("xml") ? "application/xml" : "text/plain; charset=utf-8";
    if (gzip) {
      java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
      try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(zipped)) {
        out.write(body);
      }
      body = zipped.toByteArray();
      type = "application/gzip";
    }
    ex.getResponseHeaders().set("Content-Type", type);
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
      ex.sendResponseHeaders(200, -1);
      return;
    }
    ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private void slow(HttpExchange ex, int intervalMillis) throws IOException, InterruptedException {
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
      slowAborted.incrementAndGet();
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

  static void text(HttpExchange ex, int status, String body) throws IOException {
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
}
