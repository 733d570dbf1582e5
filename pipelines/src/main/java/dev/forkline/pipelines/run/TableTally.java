package dev.forkline.pipelines.run;

import dev.forkline.pipelines.exec.FailureKind;
import dev.forkline.pipelines.exec.StageMetrics;
import dev.forkline.pipelines.table.ParquetTables;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;

/**
 * A published table's rows counted by outcome, as the row counters say them. A cluster runner may
 * run a task again after an executor was lost, and Spark then counts the lost attempt's metrics
 * too; the table, written once, is what the summary's row counts must agree with.
 */
final class TableTally {
  private TableTally() {}

  /** {@code rows.ok} and {@code rows.failed.KIND} of the table, and its row count as inputs. */
  static Map<String, Long> of(Path table) {
    Map<String, Long> counts = new TreeMap<>();
    long rows = 0;
    try (ParquetTables.Rows all = ParquetTables.open(table, List.of("status", "failure_kind"))) {
      while (all.hasNext()) {
        rows++;
        counts.merge(counter(all.next()), 1L, Long::sum);
      }
    }
    counts.put(StageMetrics.INPUTS, rows); // every input found is one row, kept or new
    return counts;
  }

  /**
   * The row counter a table or journal row counts in: {@code rows.ok} or {@code rows.failed.KIND}.
   */
  static String counter(GenericRecord row) {
    Object kind = row.get("failure_kind");
    return "ok".equals(String.valueOf(row.get("status")))
        ? StageMetrics.ROWS_OK
        : StageMetrics.ROWS_FAILED_PREFIX + (kind == null ? FailureKind.INTERNAL.label() : kind);
  }
}
