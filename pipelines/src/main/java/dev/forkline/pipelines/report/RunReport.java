package dev.forkline.pipelines.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * A run's {@code report.html}: made from its table and the {@code run.json} beside it, written next
 * to them. The run writes it at its end; {@code forkline report} makes it again.
 */
public final class RunReport {
  public static final String FILE = "report.html";

  /** The table names of forkline's pipelines, looked for in this order. */
  private static final List<String> TABLES = List.of("manifest.parquet", "pages.parquet");

  private RunReport() {}

  /**
   * Writes the report of the table in {@code folder} (named by its run.json, else a table of
   * forkline's own name, else the folder's only Parquet file); returns its path.
   *
   * @throws IOException if there is no table or the report cannot be written
   */
  public static Path write(Path folder) throws IOException {
    RunRecord run = RunRecord.readFrom(folder);
    Path table = table(folder, run);
    ReportData data = ReportData.read(table);
    String html = ReportPage.render(run, data, "at " + Instant.now(), true);
    Path file = folder.resolve(FILE);
    Path tmp = folder.resolve("." + FILE + ".tmp");
    Files.writeString(tmp, html, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  /** The table in a run's output folder, as {@link #write} finds it. */
  public static Path findTable(Path folder) throws IOException {
    return table(folder, RunRecord.readFrom(folder));
  }

  static Path table(Path folder, RunRecord run) throws IOException {
    if (!Files.isDirectory(folder)) {
      throw new IOException(folder + " is not a folder (give a run's output folder)");
    }
    if (run != null && run.table() != null && Files.isRegularFile(folder.resolve(run.table()))) {
      return folder.resolve(run.table());
    }
    for (String name : TABLES) {
      if (Files.isRegularFile(folder.resolve(name))) {
        return folder.resolve(name);
      }
    }
    try (Stream<Path> files = Files.list(folder)) {
      List<Path> parquet =
          files.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
      if (parquet.size() == 1) {
        return parquet.get(0);
      }
      throw new IOException(
          folder
              + (parquet.isEmpty()
                  ? " holds no table (manifest.parquet, pages.parquet or another .parquet file)"
                  : " holds " + parquet.size() + " Parquet files and no run.json naming one"));
    }
  }
}
