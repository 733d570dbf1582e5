package dev.forkline.pipelines.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Checks a run's output folder with readers that are not forkline's: DuckDB reads the table, the
 * JDK's ImageIO decodes the outputs, the file system says what is left over.
 */
final class IndependentCheck {
  private IndependentCheck() {}

  /** One row of a table, as DuckDB reads it: column name to value (as text). */
  static List<Map<String, String>> rows(Path table, String... columns) throws Exception {
    List<Map<String, String>> rows = new ArrayList<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement sql = db.createStatement();
        ResultSet result =
            sql.executeQuery(
                "SELECT "
                    + String.join(", ", columns)
                    + " FROM read_parquet('"
                    + table.toString().replace("'", "''")
                    + "')")) {
      while (result.next()) {
        Map<String, String> row = new HashMap<>();
        for (String column : columns) {
          row.put(column, result.getString(column));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /**
   * The image manifest has exactly one row per file of {@code expected}, no key twice, and every ok
   * row's output exists with its recorded size and decodes.
   */
  static void imageManifest(Path output, Set<String> expected) throws Exception {
    List<Map<String, String>> rows =
        rows(output.resolve("manifest.parquet"), "input", "status", "output_path", "bytes_out");
    Set<String> keys = new TreeSet<>();
    for (Map<String, String> row : rows) {
      assertTrue(keys.add(row.get("input")), "two rows for " + row.get("input"));
      if ("ok".equals(row.get("status"))) {
        Path file = Path.of(row.get("output_path"));
        assertTrue(Files.isRegularFile(file), "no output for ok row " + row);
        assertEquals(Long.parseLong(row.get("bytes_out")), Files.size(file), "size of " + file);
        assertNotNull(ImageIO.read(file.toFile()), "the output does not decode: " + file);
      }
    }
    assertEquals(new TreeSet<>(expected), keys, "one row per input");
    noLeftovers(output);
  }

  /** The pages table has exactly one row per URL of {@code expected}, no URL twice. */
  static void pagesTable(Path output, Set<String> expected) throws Exception {
    Set<String> keys = new TreeSet<>();
    for (Map<String, String> row : rows(output.resolve("pages.parquet"), "url", "status")) {
      assertTrue(keys.add(row.get("url")), "two rows for " + row.get("url"));
    }
    assertEquals(new TreeSet<>(expected), keys, "one row per listed URL");
    noLeftovers(output);
  }

  /** No staging folder, no temporary table, no journal once a run finished. */
  static void noLeftovers(Path output) throws Exception {
    try (Stream<Path> list = Files.list(output)) {
      List<String> left =
          list.map(p -> p.getFileName().toString())
              .filter(n -> n.startsWith(".forkline-staging-") || n.contains(".tmp-"))
              .toList();
      assertEquals(List.of(), left, "left in " + output);
    }
    assertTrue(
        !Files.exists(output.resolve(".forkline-journal")), "the journal outlived the table");
  }
}
