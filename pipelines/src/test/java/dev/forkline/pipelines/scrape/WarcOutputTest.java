package dev.forkline.pipelines.scrape;

import static dev.forkline.pipelines.TestFiles.rowsBy;
import static dev.forkline.pipelines.TestFiles.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.forkline.pipelines.TestFiles;
import dev.forkline.pipelines.config.ConfigLoader;
import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.run.ForklineRunner;
import dev.forkline.pipelines.run.RunOptions;
import dev.forkline.pipelines.run.RunResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcRequest;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.Warcinfo;

/**
 * {@code url-scrape.warc: true} end to end: the WARC files a run writes, read back with jwarc's
 * reader (and warcio.js where it is installed), against the table row for row; rotation; what a
 * killed run leaves and what {@code --resume} makes of it. Servers on 127.0.0.1 only.
 */
class WarcOutputTest {
  /** Where .ci/run installs warcio.js (npm), relative to the module's folder. */
  private static final Path WARCIO_JS = Path.of("target", "warcio-js");

  @TempDir Path dir;
  private HttpServer server;
  private String base;

  /** What the server sent as each path's body, as it went on the wire. */
  private final Map<String, byte[]> sent = new ConcurrentHashMap<>();

  private final AtomicInteger requests = new AtomicInteger();
  private volatile CountDownLatch hang = new CountDownLatch(0);
  private volatile int pageBytes = 200;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stopServer() {
    hang.countDown();
    server.stop(0);
  }

  private void answer(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getRawPath();
    requests.incrementAndGet();
    try (ex) {
      switch (path) {
        case "/robots.txt" -> send(ex, 404, "text/plain", "no robots here\n".getBytes());
        case "/gz" -> {
          ex.getResponseHeaders().set("Content-Encoding", "gzip");
          send(ex, 200, "text/html; charset=utf-8", gzip(html("gzipped", 3000)));
        }
        case "/chunked" -> {
          byte[] body = html("chunked", 5000);
          ex.getResponseHeaders().set("Content-Type", "text/html");
          ex.sendResponseHeaders(200, 0); // chunked
          sent.put(path, body);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body, 0, 100);
            out.flush();
            out.write(body, 100, body.length - 100);
          }
        }
        case "/redirect" -> redirect(ex, 302, "/hop");
        case "/hop" -> redirect(ex, 301, "/page/1");
        case "/missing" -> send(ex, 404, "text/plain", "not here\n".getBytes());
        case "/hang" -> {
          try {
            hang.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          send(ex, 200, "text/html", html("hang", 100));
        }
        default -> {
          if (path.startsWith("/page/")) {
            send(ex, 200, "text/html", html(path, pageBytes));
          } else {
            send(ex, 404, "text/plain", "unknown\n".getBytes());
          }
        }
      }
    }
  }

  private void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    sent.put(ex.getRequestURI().getRawPath(), body);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
  }

  private void redirect(HttpExchange ex, int status, String location) throws IOException {
    ex.getResponseHeaders().set("Location", location);
    send(ex, status, "text/plain", ("see " + location + "\n").getBytes());
  }

  /** A page of about {@code size} bytes whose text is random letters (it compresses little). */
  private static byte[] html(String title, int size) {
    Random random = new Random(title.hashCode());
    StringBuilder s = new StringBuilder("<!doctype html><title>" + title + "</title><p>");
    while (s.length() < size) {
      s.append((char) ('a' + random.nextInt(26)));
    }
    return s.append("</p>").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private Path config(String output, List<String> paths, String extra) throws IOException {
    String list = paths.stream().map(p -> base + p + "\n").collect(Collectors.joining());
    Files.writeString(dir.resolve(output + "-urls.txt"), list);
    return TestFiles.config(
        dir,
        "pipeline: url-scrape\ninput: "
            + output
            + "-urls.txt\noutput: "
            + output
            + "\nurl-scrape:\n  warc: true\n"
            + extra
            + "stages:\n  fetch:\n    retries: 0\n    timeout: 60s\n");
  }

  private RunResult run(Path config, boolean resume) throws Exception {
    ForklineConfig c = ConfigLoader.load(config, List.of(), dir);
    return ForklineRunner.run(c, resume ? RunOptions.quiet().withResume(true) : RunOptions.quiet());
  }

  /** A record as jwarc read it back. */
  record Rec(
      String file,
      String type,
      String id,
      String uri,
      List<String> concurrentTo,
      int status,
      byte[] payload,
      String requestLine,
      String truncated) {}

  /** Every record of every published file, by record ID; each file starts with its warcinfo. */
  private static Map<String, Rec> readAll(Path output) throws IOException {
    Map<String, Rec> records = new LinkedHashMap<>();
    for (Path file : published(output)) {
      try (WarcReader reader = new WarcReader(file)) {
        boolean first = true;
        for (WarcRecord r : reader) {
          if (first) {
            assertTrue(r instanceof Warcinfo, file + " starts with " + r.type());
            assertEquals("WARC/1.1", r.version().toString());
            first = false;
          }
          int status = 0;
          byte[] payload = null;
          String requestLine = null;
          List<String> concurrent = List.of();
          String uri = null;
          if (r instanceof WarcResponse response) {
            status = response.http().status();
            payload = response.http().body().stream().readAllBytes();
            concurrent = response.concurrentTo().stream().map(URI::toString).toList();
            uri = response.target();
          } else if (r instanceof WarcRequest request) {
            requestLine = request.http().method() + " " + request.http().target();
            concurrent = request.concurrentTo().stream().map(URI::toString).toList();
            uri = request.target();
          }
          Rec rec =
              new Rec(
                  file.getFileName().toString(),
                  r.type(),
                  r.id().toString(),
                  uri,
                  concurrent,
                  status,
                  payload,
                  requestLine,
                  r.truncated().name());
          assertNull(records.put(rec.id(), rec), "two records with the ID " + rec.id());
        }
        assertFalse(first, file + " has no record");
      }
    }
    return records;
  }

  private static List<Path> published(Path output) throws IOException {
    Path folder = output.resolve("warc");
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.sorted().toList();
    }
  }

  /** Files anywhere under the output whose name ends in {@code .open}. */
  private static List<Path> openFiles(Path output) throws IOException {
    try (Stream<Path> walk = Files.walk(output)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(".open")).toList();
    }
  }

  private static List<String> list(GenericRecord row, String column) {
    Object v = row.get(column);
    return v == null ? null : ((List<?>) v).stream().map(Object::toString).toList();
  }

  /**
   * Checks that each row's references are records of the file it names, one response per hop, each
   * with its request, the last one at the row's final URL; returns the rows' record IDs.
   */
  private static Set<String> checkReferences(
      Map<String, GenericRecord> rows, Map<String, Rec> records) {
    Set<String> referenced = new java.util.HashSet<>();
    for (GenericRecord row : rows.values()) {
      List<String> ids = list(row, "warc_records");
      if (ids == null) {
        continue;
      }
      String file = str(row, "warc_file");
      assertTrue(file.startsWith("warc/"), file);
      for (String id : ids) {
        Rec response = records.get(id);
        assertNotNull(response, str(row, "url") + ": no record " + id);
        assertEquals("response", response.type());
        assertEquals(file, "warc/" + response.file());
        assertEquals(1, response.concurrentTo().size());
        Rec request = records.get(response.concurrentTo().get(0));
        assertNotNull(request, "the request of " + id);
        assertEquals("request", request.type());
        assertEquals(response.uri(), request.uri());
        assertEquals(List.of(id), request.concurrentTo());
        referenced.add(id);
      }
      if ("ok".equals(str(row, "status"))) {
        assertEquals((int) row.get("redirects") + 1, ids.size(), str(row, "url"));
        assertEquals(str(row, "final_url"), records.get(ids.get(ids.size() - 1)).uri());
        assertEquals(str(row, "url"), records.get(ids.get(0)).uri());
      }
    }
    return referenced;
  }

  @Test
  void everyExchangeIsRecordedAndTheTableRefersToItsRecordsRowForRow() throws Exception {
    Path config =
        config(
            "out", List.of("/page/1", "/page/2", "/gz", "/chunked", "/redirect", "/missing"), "");
    run(config, false);
    Path out = dir.resolve("out");
    Map<String, GenericRecord> rows = rowsBy(out.resolve("pages.parquet"), "url");
    Map<String, Rec> records = readAll(out);
    assertEquals(List.of(), openFiles(out));

    Set<String> referenced = checkReferences(rows, records);
    // Every response record is some row's: robots.txt is not recorded, nothing else is there.
    Set<String> responses =
        records.values().stream()
            .filter(r -> r.type().equals("response"))
            .map(Rec::id)
            .collect(Collectors.toSet());
    assertEquals(responses, referenced);
    assertEquals(
        8,
        responses.size(),
        "1 + 1 + 1 + 1 + 3 hops + 1: " + records.values().stream().map(Rec::uri).toList());
    assertEquals(
        0,
        records.values().stream()
            .filter(r -> String.valueOf(r.uri()).endsWith("/robots.txt"))
            .count());

    // The bodies as the server sent them: the gzip bytes, not the page they decode to.
    for (String path : List.of("/page/1", "/page/2", "/gz", "/chunked", "/missing")) {
      GenericRecord row = rows.get(base + path);
      List<String> ids = list(row, "warc_records");
      assertNotNull(ids, path + " has no records");
      Rec last = records.get(ids.get(ids.size() - 1));
      assertTrue(
          java.util.Arrays.equals(sent.get(path), last.payload()), path + ": payload differs");
      assertEquals("GET " + path, records.get(last.concurrentTo().get(0)).requestLine());
    }
    assertEquals(200, records.get(list(rows.get(base + "/gz"), "warc_records").get(0)).status());
    GenericRecord missing = rows.get(base + "/missing");
    assertEquals("failed", str(missing, "status"));
    assertEquals(404, records.get(list(missing, "warc_records").get(0)).status());

    // The redirect chain: a response per hop, in order, each with the body it came with.
    List<String> chain = list(rows.get(base + "/redirect"), "warc_records");
    assertEquals(
        List.of(base + "/redirect", base + "/hop", base + "/page/1"),
        chain.stream().map(id -> records.get(id).uri()).toList());
    assertEquals(
        List.of(302, 301, 200), chain.stream().map(id -> records.get(id).status()).toList());
    assertEquals(
        "see /hop\n", new String(records.get(chain.get(0)).payload(), StandardCharsets.UTF_8));

    secondReaderAgrees(out, records);
  }

  /**
   * warcio.js (Webrecorder's reader, from npm) reads the same records with the same payloads.
   * .ci/run installs it; elsewhere the test runs without it unless CI is set.
   */
  private void secondReaderAgrees(Path out, Map<String, Rec> records) throws Exception {
    boolean installed = Files.isDirectory(WARCIO_JS.resolve("node_modules/warcio"));
    if (System.getenv("CI") == null) {
      Assumptions.assumeTrue(
          installed,
          "warcio.js is not installed: npm install --prefix pipelines/target/warcio-js warcio@2.4.11");
    }
    assertTrue(installed, "CI must install warcio.js into " + WARCIO_JS.toAbsolutePath());
    Path script = Path.of("src/test/resources/WarcOutputTest/read-warcs.cjs").toAbsolutePath();
    List<String> command =
        new ArrayList<>(List.of("node", script.toString(), WARCIO_JS.toString()));
    published(out).forEach(p -> command.add(p.toString()));
    Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(node.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, node.exitValue(), output);
    Map<String, String> digests = new HashMap<>();
    int count = 0;
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line : output.split("\n")) {
      com.fasterxml.jackson.databind.JsonNode r = json.readTree(line);
      count++;
      String id = r.get("id").asText().replaceAll("^<|>$", "");
      Rec mine = records.get(id);
      assertNotNull(mine, "warcio.js read a record jwarc did not: " + line);
      assertEquals(mine.type(), r.get("type").asText());
      if (mine.type().equals("response")) {
        assertEquals(mine.status(), r.get("status").asInt(), line);
        digests.put(id, r.get("payloadSha1").asText());
        assertEquals(sha1(mine.payload()), r.get("payloadSha1").asText(), line);
      }
    }
    assertEquals(records.size(), count, output);
  }

  private static String sha1(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
  }

  @Test
  void aBodyCutAtMaxBodyIsRecordedAsFarAsItWasReadAndMarkedTruncated() throws Exception {
    pageBytes = 5000;
    run(config("cut", List.of("/page/big", "/gz"), "  max-body: 1k\n"), false);
    Path out = dir.resolve("cut");
    Map<String, GenericRecord> rows = rowsBy(out.resolve("pages.parquet"), "url");
    Map<String, Rec> records = readAll(out);
    GenericRecord big = rows.get(base + "/page/big");
    assertEquals(true, big.get("truncated"));
    Rec response = records.get(list(big, "warc_records").get(0));
    assertEquals("LENGTH", response.truncated());
    assertTrue(
        java.util.Arrays.equals(
            java.util.Arrays.copyOf(sent.get("/page/big"), 1024), response.payload()));
    // A coded body: what came off the connection until the decoder had its 1k, and no more.
    Rec gz = records.get(list(rows.get(base + "/gz"), "warc_records").get(0));
    assertEquals("LENGTH", gz.truncated());
    byte[] gzSent = sent.get("/gz");
    assertTrue(gz.payload().length > 0 && gz.payload().length <= gzSent.length);
    assertTrue(
        java.util.Arrays.equals(
            java.util.Arrays.copyOf(gzSent, gz.payload().length), gz.payload()));
  }

  @Test
  void aSmallSizeLimitMakesSeveralFilesAllWholeAndReadable() throws Exception {
    pageBytes = 30_000; // random letters: about 18 KB gzipped in a record
    List<String> pages = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      pages.add("/page/" + i);
    }
    run(config("rotated", pages, "  warc-max-size: 64k\n"), false);
    Path out = dir.resolve("rotated");
    List<Path> files = published(out);
    assertTrue(files.size() >= 4, "files: " + files);
    for (Path file : files) {
      // Closed once past the limit: at most the limit plus one fetch's records.
      assertTrue(Files.size(file) < 64 * 1024 + 40_000, file + ": " + Files.size(file));
    }
    Map<String, GenericRecord> rows = rowsBy(out.resolve("pages.parquet"), "url");
    Map<String, Rec> records = readAll(out);
    assertEquals(24, checkReferences(rows, records).size());
    assertEquals(24, rows.values().stream().filter(r -> "ok".equals(str(r, "status"))).count());
    assertEquals(List.of(), openFiles(out));
  }

  @Test
  void resumeKeepsTheEarlierFilesAndAppendsNewOnesAndRedoesRowsWhoseFileIsGone() throws Exception {
    Path out = dir.resolve("resumed");
    run(config("resumed", List.of("/page/1", "/page/2", "/page/3"), ""), false);
    Map<String, GenericRecord> first = rowsBy(out.resolve("pages.parquet"), "url");
    List<Path> earlier = published(out);
    assertFalse(earlier.isEmpty());
    // A file gone (deleted by hand): the rows that refer to it must not be kept.
    Path gone = out.resolve(str(first.get(base + "/page/1"), "warc_file"));
    Files.delete(gone);
    // What a killed run leaves: an unfinished file in a staging folder, cut mid-record.
    Path leftover = out.resolve(".forkline-staging-killed/scratch/warc/x.warc.gz.open");
    Files.createDirectories(leftover.getParent());
    byte[] whole =
        Files.readAllBytes(
            earlier.get(earlier.size() - 1).equals(gone)
                ? earlier.get(0)
                : earlier.get(earlier.size() - 1));
    Files.write(leftover, java.util.Arrays.copyOf(whole, whole.length / 2));

    run(config("resumed", List.of("/page/1", "/page/2", "/page/3", "/page/4"), ""), true);

    Map<String, GenericRecord> second = rowsBy(out.resolve("pages.parquet"), "url");
    List<Path> now = published(out);
    for (Path file : earlier) {
      if (!file.equals(gone)) {
        assertTrue(now.contains(file), "an earlier file was dropped: " + file);
      }
    }
    assertTrue(now.size() > earlier.size() - 1, "no new file: " + now);
    assertFalse(Files.exists(leftover.getParent().getParent().getParent()), "the leftover stays");
    Map<String, Rec> records = readAll(out);
    assertEquals(4, checkReferences(second, records).size());
    for (String path : List.of("/page/1", "/page/2", "/page/3")) {
      GenericRecord before = first.get(base + path);
      GenericRecord after = second.get(base + path);
      if (gone.equals(out.resolve(str(before, "warc_file")))) {
        assertTrue(!str(after, "warc_file").equals(str(before, "warc_file")), path + " was kept");
      } else {
        assertEquals(
            list(before, "warc_records"), list(after, "warc_records"), path + " was redone");
      }
    }
    assertEquals(List.of(), openFiles(out));
  }

  @Test
  void aKilledRunLeavesNoHalfWrittenRecordPublishedAndResumeRedoesTheRowsOfItsOpenFiles()
      throws Exception {
    hang = new CountDownLatch(1);
    List<String> pages = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      pages.add("/page/" + i);
    }
    pages.add("/hang");
    Path config = config("killed", pages, "");
    Path out = dir.resolve("killed");
    Process driver = cli(config, false);
    try {
      // The pages are done, their rows journaled (flushed within a second) while the bundle waits
      // for /hang: their records are in files still open.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (requests.get() < pages.size() + 1 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Thread.sleep(4000); // the parse workers start, the rows are made and journaled
      assertTrue(driver.isAlive(), Files.readString(dir.resolve("killed.log")));
      assertFalse(openFiles(out).isEmpty(), "no open WARC file while the run hangs");
      assertEquals(List.of(), published(out), "published before its bundle ended");
    } finally {
      driver.destroyForcibly().waitFor();
    }
    hang.countDown();

    Process resumed = cli(config, true);
    assertTrue(resumed.waitFor(120, TimeUnit.SECONDS), "the resumed run did not end");
    String log = Files.readString(dir.resolve("killed.log"));
    assertEquals(0, resumed.exitValue(), log);
    Map<String, GenericRecord> rows = rowsBy(out.resolve("pages.parquet"), "url");
    assertEquals(11, rows.size());
    assertEquals(11, checkReferences(rows, readAll(out)).size());
    assertEquals(List.of(), openFiles(out));
    // The killed run's rows referred to files never published: none was kept.
    assertTrue(log.matches("(?s).*\\bredone +10\\b.*"), log);
  }

  private Process cli(Path config, boolean resume) throws Exception {
    return TestFiles.runInChildJvm(dir, config, resume, dir.resolve("killed.log"));
  }
}
