package dev.forkline.serve;

import static dev.forkline.serve.ServeFixture.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.forkline.pipelines.TestFiles;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API of a real service on 127.0.0.1, with real jobs in JVMs of their own. */
class ServeApiTest {
  @TempDir Path dir;
  private Path data;
  private ServeFixture serve;
  private HttpServer slow;

  @BeforeEach
  void start() throws Exception {
    data = dir.resolve("data");
    serve = new ServeFixture(data, dir, 1, null);
  }

  @AfterEach
  void stop() {
    if (serve != null) {
      serve.close();
    }
    if (slow != null) {
      slow.stop(0);
    }
  }

  private String imageConfig(String output) throws Exception {
    for (int i = 0; i < 3; i++) {
      TestFiles.image(dir.resolve("in/p" + i + ".png"), "png", 40, 30);
    }
    return "pipeline: image-filter\ninput: in\noutput: " + output + "\n";
  }

  /** A site whose every page takes {@code millis}: a scrape of it runs long enough to watch. */
  private String slowScrape(int pages, int millis) throws Exception {
    slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    slow.setExecutor(Executors.newFixedThreadPool(4));
    slow.createContext(
        "/",
        exchange -> {
          byte[] body;
          if (exchange.getRequestURI().getPath().equals("/robots.txt")) {
            body = new byte[0];
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
          }
          try {
            Thread.sleep(millis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          body = "<html><title>slow</title></html>".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    slow.start();
    StringBuilder urls = new StringBuilder();
    for (int i = 0; i < pages; i++) {
      urls.append("http://127.0.0.1:")
          .append(slow.getAddress().getPort())
          .append("/p")
          .append(i)
          .append('\n');
    }
    Files.writeString(dir.resolve("urls.txt"), urls);
    return "pipeline: url-scrape\ninput: urls.txt\noutput: out/slow\n"
        + "url-scrape:\n  per-host: 1\n  delay: 0s\n  allow-private-addresses: true\n";
  }

  @Test
  void aSubmittedJobRunsAndItsTableRowsReportAndLogAreServed() throws Exception {
    ServeFixture.Response created = serve.submit(imageConfig("out/images"), dir);
    assertEquals(201, created.status(), created.body());
    long id = created.json().path("id").asLong();
    assertEquals("/api/jobs/" + id, created.headers().get("location").get(0));

    List<String[]> events = serve.events(id);
    assertEquals("end", events.get(events.size() - 1)[0], "the stream ends with the job");
    JsonNode job = serve.job(id);
    assertEquals("succeeded", job.path("state").asText(), job.toString());
    assertEquals(0, job.path("exit_code").asInt());
    assertEquals(3, job.path("counters").path("ok").asLong());

    JsonNode rows = serve.get("/api/jobs/" + id + "/rows?limit=2").json();
    assertEquals(3, rows.path("matched").asLong());
    assertEquals(2, rows.path("rows").size());
    assertEquals("ok", rows.path("rows").get(0).path("status").asText());
    assertEquals(
        0, serve.get("/api/jobs/" + id + "/rows?status=failed").json().path("matched").asLong());
    assertTrue(
        serve.get("/api/jobs/" + id + "/table").body().startsWith("PAR1"), "the Parquet file");
    assertTrue(serve.get("/api/jobs/" + id + "/report").body().contains("<h2>Stages</h2>"));
    assertTrue(serve.get("/api/jobs/" + id + "/log").body().contains("== exit 0"));
    assertEquals(1, serve.get("/api/jobs").json().path("jobs").size());
  }

  @Test
  void aBadConfigIsRefusedWithEveryProblemAtItsLineAndNothingIsQueued() throws Exception {
    String yaml =
        "pipeline: image-filter\ninput: nowhere\noutput: out/x\nstages:\n  read:\n    threads: -3\n";
    ServeFixture.Response refused = serve.submit(yaml, dir);
    assertEquals(400, refused.status(), refused.body());
    JsonNode problems = refused.json().path("problems");
    assertEquals(2, problems.size(), problems.toString());
    JsonNode threads =
        find(problems, "stages.read.threads")
            .orElseThrow(() -> new AssertionError(problems.toString()));
    assertEquals(6, threads.path("line").asInt());
    assertEquals(14, threads.path("column").asInt());
    assertTrue(threads.path("message").asText().contains("out of range"));
    assertEquals(2, find(problems, "input").orElseThrow().path("line").asInt());
    assertEquals(0, serve.get("/api/jobs").json().path("jobs").size(), "nothing queued");
  }

  @Test
  void aConfigOutsideTheAllowedFoldersIsRefused() throws Exception {
    Path elsewhere = Files.createTempDirectory("forkline-elsewhere");
    try {
      ServeFixture.Response refused =
          serve.submit(imageConfig(elsewhere.resolve("out").toString()), dir);
      assertEquals(400, refused.status(), refused.body());
      JsonNode output = find(refused.json().path("problems"), "output").orElseThrow();
      assertEquals(3, output.path("line").asInt());
      assertTrue(output.path("message").asText().contains("--allow-root"), output.toString());
    } finally {
      Files.deleteIfExists(elsewhere);
    }
  }

  @Test
  void anOversizedConfigIsRefused() throws Exception {
    String yaml = "pipeline: image-filter\n# " + "x".repeat(Submission.MAX_BYTES) + "\n";
    ServeFixture.Response refused = serve.submit(yaml, dir);
    assertTrue(
        refused.status() == 400 || refused.status() == 413,
        refused.status() + " " + refused.body());
    assertEquals(0, serve.get("/api/jobs").json().path("jobs").size());
  }

  @Test
  void progressComesAsEventsAndCancelEndsTheJobAndItsWorkers() throws Exception {
    long id = serve.submit(slowScrape(40, 400), dir).json().path("id").asLong();
    JsonNode running = serve.await(id, j -> j.path("counters").path("rows").asLong() > 0, 60);
    long pid = serve.job(id).path("counters").isObject() ? pidOf(id) : -1;
    ProcessHandle job =
        ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("job process " + running));
    List<ProcessHandle> tree = new ArrayList<>(job.descendants().toList());
    assertFalse(tree.isEmpty(), "the job's worker JVMs");

    assertEquals(202, serve.post("/api/jobs/" + id + "/cancel", "text/plain", "").status());
    JsonNode cancelled = serve.await(id, state("cancelled"), 30);
    assertTrue(cancelled.path("message").asText().contains("resume"), cancelled.toString());
    waitGone(job);
    for (ProcessHandle p : tree) {
      waitGone(p);
    }
    assertEquals(409, serve.post("/api/jobs/" + id + "/cancel", "text/plain", "").status());
  }

  @Test
  void aRestartedServiceMarksItsRunningJobInterruptedRunsTheQueueAndResumes() throws Exception {
    long first = serve.submit(slowScrape(30, 300), dir).json().path("id").asLong();
    long second = serve.submit(imageConfig("out/images"), dir).json().path("id").asLong();
    serve.await(first, j -> j.path("counters").path("rows").asLong() > 0, 60);
    assertEquals("queued", serve.job(second).path("state").asText());
    serve.close();

    serve = new ServeFixture(data, dir, 1, null);
    JsonNode interrupted = serve.job(first);
    assertEquals("interrupted", interrupted.path("state").asText(), interrupted.toString());
    assertEquals(
        "succeeded", serve.await(second, state("succeeded", "failed"), 60).path("state").asText());

    assertEquals(202, serve.post("/api/jobs/" + first + "/resume", "text/plain", "").status());
    JsonNode resumed = serve.await(first, state("succeeded", "failed"), 90);
    assertEquals("succeeded", resumed.path("state").asText(), resumed.toString());
    assertEquals(2, resumed.path("runs").asInt());
    assertEquals(30, resumed.path("counters").path("rows").asLong());
    assertTrue(serve.get("/api/jobs/" + first + "/log").body().contains("--resume"));
  }

  @Test
  void aTokenIsNeededOnEveryRequestWhenTheServiceHasOne() throws Exception {
    serve.close();
    serve = new ServeFixture(dir.resolve("data2"), dir, 1, "s3cret");
    assertEquals(401, serve.get("/api/jobs").status());
    assertEquals(401, serve.get("/").status());
    assertEquals(401, serve.get("/api/jobs", "Authorization", "Bearer wrong").status());
    assertEquals(200, serve.get("/api/jobs", "Authorization", "Bearer s3cret").status());
    ServeFixture.Response page = serve.get("/?token=s3cret");
    assertEquals(200, page.status());
    assertTrue(String.valueOf(page.headers().get("set-cookie")).contains("forkline_token=s3cret"));
    assertEquals(200, serve.get("/api/jobs", "Cookie", "forkline_token=s3cret").status());
  }

  @Test
  void onlyLoopbackGoesWithoutAToken() {
    assertTrue(ServeCommand.loopback("127.0.0.1"));
    assertTrue(ServeCommand.loopback("127.0.0.2"));
    assertTrue(ServeCommand.loopback("::1"));
    assertFalse(ServeCommand.loopback("0.0.0.0"));
  }

  @Test
  void eventsWithoutTheirAcceptHeaderSaySo() throws Exception {
    ServeFixture.Response r = serve.get("/api/jobs/1/events");
    assertEquals(406, r.status());
    assertTrue(r.body().contains("text/event-stream"));
    assertEquals(404, serve.get("/api/jobs/99").status());
    assertEquals(400, serve.get("/api/jobs/x").status());
  }

  private long pidOf(long id) throws Exception {
    try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve("jobs.db"));
        var s = db.prepareStatement("SELECT pid FROM jobs WHERE id = ?")) {
      s.setLong(1, id);
      try (var r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static void waitGone(ProcessHandle p) throws InterruptedException {
    long until = System.nanoTime() + 20_000_000_000L;
    while (p.isAlive() && System.nanoTime() < until) {
      Thread.sleep(100);
    }
    assertFalse(
        p.isAlive(),
        "process " + p.pid() + " " + p.info().commandLine().orElse("") + " still runs");
  }

  private static Optional<JsonNode> find(JsonNode problems, String key) {
    for (JsonNode p : problems) {
      if (key.equals(p.path("key").asText())) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
