package dev.forkline.serve;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A real service on 127.0.0.1 whose jobs run the forkline.jar this build made. */
final class ServeFixture implements AutoCloseable {
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final Path FORKLINE_JAR = REPO.resolve("pipelines/target/forkline.jar");

  final Path data;
  final Path root;
  final JobService service;
  final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ServeFixture(Path data, Path root, int jobs, String token) throws IOException {
    this(data, List.of(root), jobs, token);
  }

  ServeFixture(Path data, List<Path> roots, int jobs, String token) throws IOException {
    assertTrue(
        Files.isRegularFile(FORKLINE_JAR), FORKLINE_JAR + " (built by the pipelines module)");
    this.data = data;
    this.root = roots.get(0);
    List<Path> real = new ArrayList<>();
    for (Path r : roots) {
      real.add(r.toRealPath());
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    this.service =
        new JobService(
            new JobService.Settings(
                "127.0.0.1",
                0,
                data,
                jobs,
                real,
                List.of(java, "-Xmx512m", "-jar", FORKLINE_JAR.toString()),
                REPO,
                token));
    this.port = service.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  record Response(int status, String body, Map<String, List<String>> headers) {
    JsonNode json() {
      try {
        return JobJson.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  Response get(String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body(), r.headers().map());
  }

  Response post(String path, String contentType, String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(path)))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", contentType);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r =
        http.send(
            b.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body(), r.headers().map());
  }

  /** Submits a config as JSON, relative paths from {@code base}. */
  Response submit(String yaml, Path base, String... overrides) throws Exception {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("config", yaml);
    body.put("base", base.toString());
    body.put("set", List.of(overrides));
    return post("/api/jobs", "application/json", JobJson.write(body));
  }

  JsonNode job(long id) throws Exception {
    return get("/api/jobs/" + id).json();
  }

  /** Polls the job until {@code done} holds, for up to {@code seconds}. */
  JsonNode await(long id, Predicate<JsonNode> done, int seconds) throws Exception {
    long until = System.nanoTime() + seconds * 1_000_000_000L;
    JsonNode job = job(id);
    while (!done.test(job)) {
      if (System.nanoTime() > until) {
        throw new AssertionError(
            "job "
                + id
                + " still "
                + job
                + " after "
                + seconds
                + " s; log:\n"
                + get("/api/jobs/" + id + "/log").body());
      }
      Thread.sleep(100);
      job = job(id);
    }
    return job;
  }

  static Predicate<JsonNode> state(String... states) {
    return j -> List.of(states).contains(j.path("state").asText());
  }

  /** The events of a job's stream until it ends: {event, data} pairs. */
  List<String[]> events(long id) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url("/api/jobs/" + id + "/events")))
            .header("Accept", "text/event-stream")
            .timeout(Duration.ofSeconds(120))
            .build();
    HttpResponse<java.util.stream.Stream<String>> r =
        http.send(request, HttpResponse.BodyHandlers.ofLines());
    List<String[]> events = new ArrayList<>();
    String event = null;
    for (String line : (Iterable<String>) r.body()::iterator) {
      if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("data: ")) {
        events.add(new String[] {event, line.substring(6)});
        if ("end".equals(event)) {
          break;
        }
      }
    }
    r.body().close();
    return events;
  }

  @Override
  public void close() {
    service.close();
  }
}
