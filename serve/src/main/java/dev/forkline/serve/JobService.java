package dev.forkline.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forkline.pipelines.report.RunReport;
import dev.forkline.pipelines.table.ParquetTables;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;

/**
 * The job service: the JSON API, the events, the web page (bundled in the jar) and the job runner,
 * on one Javalin server. Javalin because it is a thin, maintained layer on Jetty 12 with
 * Server-Sent Events built in and no annotation processing, which keeps the module small.
 */
public final class JobService implements AutoCloseable {
  /**
   * What the service needs.
   *
   * @param token required on every request when not null
   * @param forkline the command that runs forkline, to which {@code run ...} is appended
   * @param home the forkline checkout, for the sample configs; may be null
   */
  public record Settings(
      String bind,
      int port,
      Path data,
      int jobs,
      List<Path> roots,
      List<String> forkline,
      Path home,
      String token) {}

  static final String TOKEN_COOKIE = "forkline_token";

  private final Settings settings;
  private final JobStore store;
  private final Events events = new Events();
  private final JobRunner runner;
  private final Javalin app;
  private final Path scratch;

  public JobService(Settings settings) throws IOException {
    this.settings = settings;
    Files.createDirectories(settings.data());
    this.scratch = Files.createDirectories(settings.data().resolve("tmp"));
    this.store = new JobStore(settings.data());
    this.runner =
        new JobRunner(store, events, settings.data(), settings.forkline(), settings.jobs());
    this.app =
        Javalin.create(
            config -> {
              config.http.maxRequestSize = Submission.MAX_BYTES + 64 * 1024;
              config.startup.showJavalinBanner = false;
              config.staticFiles.add("/dev/forkline/serve/web", Location.CLASSPATH);
              config.routes.before(this::authorize);
              config.routes.before(
                  "/api/jobs/{id}/events",
                  ctx -> {
                    String accept = ctx.header("Accept");
                    if (accept == null || !accept.contains("text/event-stream")) {
                      throw new ApiException(
                          406,
                          "events are Server-Sent Events: send Accept: text/event-stream"
                              + " (curl -N -H 'Accept: text/event-stream' ...)");
                    }
                  });
              config.routes.post("/api/jobs", this::submit);
              config.routes.post("/api/validate", this::validate);
              config.routes.get("/api/jobs", this::list);
              config.routes.get("/api/samples", this::samples);
              config.routes.get("/api/jobs/{id}", ctx -> json(ctx, 200, JobJson.full(job(ctx))));
              config.routes.sse("/api/jobs/{id}/events", this::events);
              config.routes.post("/api/jobs/{id}/cancel", this::cancel);
              config.routes.post("/api/jobs/{id}/resume", this::resume);
              config.routes.get("/api/jobs/{id}/rows", this::rows);
              config.routes.get("/api/jobs/{id}/table", this::table);
              config.routes.get("/api/jobs/{id}/report", this::report);
              config.routes.get("/api/jobs/{id}/log", this::log);
              config.routes.exception(
                  ApiException.class,
                  (e, ctx) -> json(ctx, e.status, Map.of("error", e.getMessage())));
            });
  }

  /** Starts the job runner and the server; returns the port it listens on. */
  public int start() {
    runner.start();
    app.start(settings.bind(), settings.port());
    return app.port();
  }

  public int port() {
    return app.port();
  }

  /** A failure the client caused, with its status. */
  static final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    ApiException(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private void authorize(Context ctx) {
    String token = settings.token();
    if (token == null) {
      return;
    }
    String given = ctx.queryParam("token");
    if (given != null) {
      ctx.cookie(TOKEN_COOKIE, given);
    } else if (ctx.header("Authorization") != null
        && ctx.header("Authorization").startsWith("Bearer ")) {
      given = ctx.header("Authorization").substring("Bearer ".length()).trim();
    } else {
      given = ctx.cookie(TOKEN_COOKIE);
    }
    if (given == null
        || !MessageDigest.isEqual(
            given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
      throw new ApiException(
          401,
          "this service needs its token: Authorization: Bearer TOKEN, or ?token=TOKEN once in a"
              + " browser (the token is in the data folder's token file)");
    }
  }

  private static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(JobJson.write(body));
  }

  private record Request(String yaml, List<String> overrides, Path base) {}

  /** A submission: JSON {config, set, base}, or the YAML itself with ?set=...&base=... */
  private Request request(Context ctx) {
    String type = ctx.contentType() == null ? "" : ctx.contentType();
    String yaml;
    List<String> overrides = new ArrayList<>(ctx.queryParams("set"));
    String base = ctx.queryParam("base");
    if (type.startsWith("application/json")) {
      JsonNode body;
      try {
        body = JobJson.MAPPER.readTree(ctx.body());
      } catch (IOException e) {
        throw new ApiException(400, "the body is not JSON: " + e.getMessage());
      }
      if (body == null || !body.path("config").isTextual()) {
        throw new ApiException(
            400,
            "a JSON submission is {\"config\": YAML, \"set\": [KEY=VALUE, ...], \"base\": DIR}");
      }
      yaml = body.get("config").asText();
      for (JsonNode o : body.path("set")) {
        overrides.add(o.asText());
      }
      if (body.path("base").isTextual() && !body.get("base").asText().isBlank()) {
        base = body.get("base").asText();
      }
    } else {
      yaml = ctx.body();
    }
    if (yaml.isBlank()) {
      throw new ApiException(
          400, "no config: send the YAML as the body, or JSON {\"config\": ...}");
    }
    Path cwd = Path.of("").toAbsolutePath();
    return new Request(yaml, overrides, base == null ? cwd : cwd.resolve(base).normalize());
  }

  private Submission.Checked check(Request r) {
    try {
      return Submission.check(r.yaml(), r.overrides(), r.base(), settings.roots(), scratch);
    } catch (IOException e) {
      throw new ApiException(500, "cannot check the config: " + e.getMessage());
    }
  }

  private void validate(Context ctx) {
    Submission.Checked checked = check(request(ctx));
    if (!checked.ok()) {
      json(ctx, 400, Map.of("problems", checked.problems()));
      return;
    }
    Map<String, Object> ok = new LinkedHashMap<>();
    ok.put("pipeline", checked.config().pipeline().configName());
    ok.put("output", checked.config().output().toString());
    json(ctx, 200, ok);
  }

  private void submit(Context ctx) throws IOException {
    Request r = request(ctx);
    Submission.Checked checked = check(r);
    if (!checked.ok()) {
      json(ctx, 400, Map.of("problems", checked.problems()));
      return;
    }
    Job job =
        store.insert(
            checked.config().pipeline().configName(),
            r.yaml(),
            r.overrides(),
            r.base().toString(),
            checked.config().output().toString());
    Path config = JobRunner.configFile(settings.data(), job.id());
    Files.createDirectories(config.getParent());
    Files.writeString(config, r.yaml(), StandardCharsets.UTF_8);
    runner.wake();
    ctx.header("Location", "/api/jobs/" + job.id());
    json(ctx, 201, JobJson.full(job));
  }

  private void list(Context ctx) {
    int limit = intParam(ctx, "limit", 100, 1, 10_000);
    json(ctx, 200, Map.of("jobs", store.list(limit).stream().map(JobJson::summary).toList()));
  }

  private Job job(Context ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new ApiException(400, "a job id is a number, not '" + ctx.pathParam("id") + "'");
    }
    return store.get(id).orElseThrow(() -> new ApiException(404, "no job " + id));
  }

  private void events(io.javalin.http.sse.SseClient client) {
    Job job;
    try {
      job = job(client.ctx());
    } catch (ApiException e) {
      client.sendEvent("error", JobJson.write(Map.of("error", e.getMessage())));
      client.close();
      return;
    }
    client.sendEvent("state", JobJson.write(JobJson.summary(job)));
    if (job.finished()) {
      client.sendEvent("end", JobJson.write(JobJson.summary(job)));
      client.close();
      return;
    }
    events.watch(job.id(), client);
    // it may have ended between the read and the watch
    Optional<Job> now = store.get(job.id());
    if (now.isPresent() && now.get().finished()) {
      events.send(job.id(), "end", JobJson.write(JobJson.summary(now.get())), true);
      return;
    }
    client.keepAlive();
  }

  private void cancel(Context ctx) {
    Job job = job(ctx);
    if (!runner.cancel(job.id())) {
      throw new ApiException(409, "job " + job.id() + " is " + job.state() + ": nothing to cancel");
    }
    json(ctx, 202, JobJson.summary(store.get(job.id()).orElse(job)));
  }

  private void resume(Context ctx) {
    Job job = job(ctx);
    if (!store.requeue(job.id(), true)) {
      throw new ApiException(409, "job " + job.id() + " is " + job.state() + ": it has not ended");
    }
    runner.wake();
    json(ctx, 202, JobJson.summary(store.get(job.id()).orElse(job)));
  }

  private Path tableOf(Job job) {
    try {
      return RunReport.findTable(Path.of(job.output()));
    } catch (IOException | RuntimeException e) {
      throw new ApiException(404, "job " + job.id() + " has no table yet (" + e.getMessage() + ")");
    }
  }

  private void rows(Context ctx) {
    Job job = job(ctx);
    Path table = tableOf(job);
    String status = ctx.queryParam("status");
    int limit = intParam(ctx, "limit", 100, 0, 10_000);
    int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    List<Map<String, Object>> rows = new ArrayList<>();
    long matched = 0;
    try (ParquetTables.Rows all = ParquetTables.open(table)) {
      while (all.hasNext()) {
        GenericRecord row = all.next();
        if (status != null && !status.equals(String.valueOf(row.get("status")))) {
          continue;
        }
        if (matched >= offset && rows.size() < limit) {
          rows.add(JobJson.row(row));
        }
        matched++;
      }
    } catch (RuntimeException e) {
      throw new ApiException(500, "cannot read " + table + ": " + e.getMessage());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("table", table.toString());
    body.put("matched", matched);
    body.put("rows", rows);
    json(ctx, 200, body);
  }

  private void table(Context ctx) throws IOException {
    Path table = tableOf(job(ctx));
    ctx.contentType("application/vnd.apache.parquet");
    ctx.header("Content-Disposition", "attachment; filename=\"" + table.getFileName() + "\"");
    ctx.result(Files.newInputStream(table));
  }

  private void report(Context ctx) throws IOException {
    Job job = job(ctx);
    Path report = Path.of(job.output()).resolve(RunReport.FILE);
    if (!Files.isRegularFile(report)) {
      throw new ApiException(
          404, "job " + job.id() + " has no report yet: a run writes it at its end");
    }
    ctx.contentType("text/html; charset=utf-8");
    ctx.result(Files.newInputStream(report));
  }

  private void log(Context ctx) throws IOException {
    Job job = job(ctx);
    Path log = JobRunner.logFile(settings.data(), job.id());
    ctx.contentType("text/plain; charset=utf-8");
    if (!Files.exists(log)) {
      ctx.result("");
      return;
    }
    InputStream in = Files.newInputStream(log);
    ctx.result(in);
  }

  private void samples(Context ctx) throws IOException {
    List<Map<String, String>> samples = new ArrayList<>();
    Path configs = settings.home() == null ? null : settings.home().resolve("configs");
    if (configs != null && Files.isDirectory(configs)) {
      try (Stream<Path> files = Files.list(configs)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
          Map<String, String> s = new LinkedHashMap<>();
          s.put("name", file.getFileName().toString());
          s.put("config", Files.readString(file, StandardCharsets.UTF_8));
          s.put("base", configs.toString());
          samples.add(s);
        }
      }
    }
    json(ctx, 200, Map.of("samples", samples));
  }

  private static int intParam(Context ctx, String name, int otherwise, int min, int max) {
    String value = ctx.queryParam(name);
    if (value == null) {
      return otherwise;
    }
    try {
      int n = Integer.parseInt(value);
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ApiException(
          400, name + "=" + value + ": a whole number from " + min + " to " + max);
    }
  }

  @Override
  public void close() {
    runner.close();
    events.closeAll();
    app.stop();
    store.close();
  }
}
