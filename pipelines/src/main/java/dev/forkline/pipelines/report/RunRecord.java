package dev.forkline.pipelines.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a run leaves beside its table in {@code run.json}, for its report: the run's settings and
 * counters, each stage's executor and busy time, and the progress sampled while it ran. A report
 * rebuilt later ({@code forkline report}) reads it; without it the report has only the table.
 *
 * @param pipeline {@code image-filter} or {@code url-scrape}
 * @param config the config file's name
 * @param runner {@code direct}, {@code flink} or {@code spark}
 * @param startedAt the start, ISO-8601 UTC
 * @param wallMillis the run's wall time
 * @param table the table's file name in the output folder
 * @param settings the pipeline's main settings, as words for people (delay, filters, ...)
 * @param samples progress while the run ran, oldest first
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunRecord(
    int version,
    String pipeline,
    String config,
    String runner,
    String startedAt,
    long wallMillis,
    long inputs,
    long ok,
    long failed,
    long carriedOver,
    String table,
    Map<String, String> settings,
    List<Stage> stages,
    List<Sample> samples) {

  public static final String FILE = "run.json";
  public static final int VERSION = 1;

  public RunRecord {
    settings =
        settings == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
    stages = stages == null ? List.of() : List.copyOf(stages);
    samples = samples == null ? List.of() : List.copyOf(samples);
  }

  /**
   * One stage: its executor, how many calls it runs at once (threads, or workers' tasks), its
   * counts and the time its calls ran, summed.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Stage(
      String name,
      String executor,
      int concurrency,
      long ok,
      long failed,
      long busyMicros,
      long workerStarts,
      Map<String, Long> workerDeaths) {
    public Stage {
      workerDeaths = workerDeaths == null ? Map.of() : Map.copyOf(workerDeaths);
    }
  }

  /** Progress at {@code millis} after the start: rows done, and elements done per stage. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Sample(long millis, long rows, Map<String, Long> stages) {
    public Sample {
      stages = stages == null ? Map.of() : Map.copyOf(stages);
    }
  }

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** Writes the record into {@code folder} (through a temporary file and a rename). */
  public void writeTo(Path folder) throws IOException {
    Path file = folder.resolve(FILE);
    Path tmp = folder.resolve("." + FILE + ".tmp");
    JSON.writeValue(tmp.toFile(), this);
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** The record in {@code folder}, or null if there is none or it cannot be read. */
  public static RunRecord readFrom(Path folder) {
    Path file = folder.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return JSON.readValue(file.toFile(), RunRecord.class);
    } catch (IOException e) {
      return null;
    }
  }
}
