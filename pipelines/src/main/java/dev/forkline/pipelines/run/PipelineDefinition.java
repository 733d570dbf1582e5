package dev.forkline.pipelines.run;

import dev.forkline.pipelines.config.ForklineConfig;
import java.io.Serializable;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;

/**
 * A pipeline forkline can run: its stages from input to one result row per input. The runner around
 * it does what every pipeline shares: resume, the Parquet table, progress and the summary.
 */
public interface PipelineDefinition extends Serializable {

  /** The result table's file name inside the output folder, e.g. {@code manifest.parquet}. */
  String tableName();

  /** The Avro schema of a result row; every column but the key is nullable. */
  Schema schema();

  /** The column identifying an input (a path, a URL): one row per distinct value. */
  String keyField();

  /** The column holding {@code ok} or {@code failed}. */
  default String statusField() {
    return "status";
  }

  /**
   * Whether the result an ok row of an earlier run recorded still stands, e.g. its output file is
   * there with the recorded size. Whether its input is still there and the same is for the listing
   * to say (see {@link #identity}).
   */
  default boolean stillValid(GenericRecord okRow) {
    return true;
  }

  /**
   * The identity of the input an ok row was made from, as the listing computes it for the input it
   * finds under the row's key (a file's real path, size and modification time; nothing more than
   * the key for a URL). {@code --resume} keeps a row only when the two are equal.
   */
  default String identity(GenericRecord okRow) {
    return "";
  }

  /** The column with the instant a row was made: of two rows for one key the newer counts. */
  default String timeField() {
    return "processed_at";
  }

  /**
   * Adds the pipeline's transforms, which write its result rows into part files of the table
   * (through {@link RunContext#rows}, or {@code TableWrite.parts} into {@link RunContext#parts()}),
   * and returns the parts' paths: exactly one row per input, except the inputs in {@link
   * RunContext#done()}, which get none. The runner merges the parts into the table.
   */
  PCollection<String> expand(Pipeline pipeline, RunContext context);

  /**
   * Starts what the run needs beside the pipeline (the url-scrape demo site) and returns what stops
   * it; called before the pipeline is built, closed after it finished.
   */
  default AutoCloseable prepare(ForklineConfig config) throws Exception {
    return () -> {};
  }

  /**
   * Threads the Direct runner evaluates bundles on for {@code config}, or 0 for Beam's default
   * ({@code max(cores, 3)}). The Direct runner's driver loop re-submits itself to the same thread
   * pool without waiting, so while any of these threads is idle it spins a whole core scanning
   * watermarks and timers (in JFR, half the samples of a 200-image run). Our stages run as one
   * chain that keeps its own threads and worker JVMs busy and blocks its Beam thread while its
   * batch is in flight, so with as many threads as batches in flight the driver loop only runs
   * between batches.
   */
  default int directParallelism(ForklineConfig config) {
    return 0;
  }

  /** The column holding {@link #fingerprint} in every row. */
  String SETTINGS_FIELD = "settings";

  /**
   * A short hash of the settings that shape a row's result (filters and output format; extract
   * rules). {@code --resume} keeps only earlier rows made with the same fingerprint, so changing
   * the settings and resuming redoes the inputs instead of keeping stale results.
   */
  default String fingerprint(ForklineConfig config) {
    return "";
  }

  /** A hash of {@code parts} for {@link #fingerprint}: 16 hex digits of their SHA-256. */
  static String hash(Object... parts) {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      for (Object part : parts) {
        sha.update(String.valueOf(part).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return java.util.HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
