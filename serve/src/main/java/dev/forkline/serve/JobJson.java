package dev.forkline.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.forkline.pipelines.report.RunRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/** Jobs and table rows as the API writes them. */
final class JobJson {
  static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private JobJson() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A job without its config: for lists and events. */
  static Map<String, Object> summary(Job job) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", job.id());
    m.put("state", job.state());
    m.put("pipeline", job.pipeline());
    m.put("output", job.output());
    m.put("created_at", job.createdAt());
    m.put("started_at", job.startedAt());
    m.put("finished_at", job.finishedAt());
    m.put("exit_code", job.exitCode());
    Map<String, Object> counters = new LinkedHashMap<>();
    counters.put("inputs", job.inputs());
    counters.put("rows", job.rows());
    counters.put("ok", job.ok());
    counters.put("failed", job.failed());
    m.put("counters", counters);
    m.put("runs", job.runs());
    m.put("resume", job.resume());
    m.put("message", job.message());
    String self = "/api/jobs/" + job.id();
    Map<String, Object> links = new LinkedHashMap<>();
    links.put("self", self);
    links.put("events", self + "/events");
    links.put("log", self + "/log");
    links.put("rows", self + "/rows");
    links.put("table", self + "/table");
    links.put("report", self + "/report");
    m.put("links", links);
    return m;
  }

  /** A job with what was submitted, and for a finished one its stages from its run.json. */
  static Map<String, Object> full(Job job) {
    Map<String, Object> m = summary(job);
    RunRecord run =
        job.finished() && job.output() != null
            ? RunRecord.readFrom(java.nio.file.Path.of(job.output()))
            : null;
    if (run != null) {
      List<Map<String, Object>> stages = new java.util.ArrayList<>();
      for (RunRecord.Stage s : run.stages()) {
        Map<String, Object> stage = new LinkedHashMap<>();
        stage.put("name", s.name());
        stage.put("executor", s.executor());
        stage.put("done", s.ok() + s.failed());
        stage.put("failed", s.failed());
        stage.put("busy_ms", s.busyMicros() / 1000);
        stages.add(stage);
      }
      m.put("stages", stages);
      m.put("wall_ms", run.wallMillis());
    }
    m.put("config", job.config());
    m.put("overrides", job.overrides());
    m.put("base", job.base());
    return m;
  }

  /** A table row: strings, numbers, booleans, lists and maps as JSON has them. */
  static Map<String, Object> row(GenericRecord row) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Schema.Field field : row.getSchema().getFields()) {
      m.put(field.name(), plain(row.get(field.pos())));
    }
    return m;
  }

  private static Object plain(Object value) {
    if (value == null || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    if (value instanceof CharSequence
        || value instanceof org.apache.avro.generic.GenericEnumSymbol) {
      return value.toString();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(JobJson::plain).toList();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
      return out;
    }
    if (value instanceof GenericRecord record) {
      return row(record);
    }
    if (value instanceof java.nio.ByteBuffer bytes) {
      return java.util.Base64.getEncoder().encodeToString(bytes.array());
    }
    return value.toString();
  }
}
