package dev.forkline.pipelines;

import dev.forkline.pipelines.table.ParquetTables;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.avro.generic.GenericRecord;

/** Files tests make: small real images, broken ones, configs; and reading result tables back. */
public final class TestFiles {
  private TestFiles() {}

  /** Writes a {@code width x height} gradient image in {@code format} (png, jpg, bmp, gif). */
  public static Path image(Path file, String format, int width, int height) throws IOException {
    Files.createDirectories(file.getParent());
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8 | 128);
      }
    }
    if (!ImageIO.write(image, format, file.toFile())) {
      throw new IOException("no ImageIO writer for " + format);
    }
    return file;
  }

  /** Writes a config file. */
  public static Path config(Path dir, String yaml) throws IOException {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  /** Every row of a Parquet table. */
  public static List<GenericRecord> rows(Path table) {
    List<GenericRecord> rows = new ArrayList<>();
    ParquetTables.forEach(table, rows::add);
    return rows;
  }

  /** Rows keyed by a column's value. */
  public static Map<String, GenericRecord> rowsBy(Path table, String column) {
    Map<String, GenericRecord> out = new HashMap<>();
    for (GenericRecord row : rows(table)) {
      GenericRecord previous = out.put(String.valueOf(row.get(column)), row);
      if (previous != null) {
        throw new AssertionError("two rows for " + row.get(column) + " in " + table);
      }
    }
    return out;
  }

  /** A column's value as a string, null if null. */
  public static String str(GenericRecord row, String column) {
    Object value = row.get(column);
    return value == null ? null : value.toString();
  }

  /**
   * {@code forkline run CONFIG --progress none} (and {@code --resume}) in a JVM of its own on this
   * test's class path, in {@code dir}, its output into {@code log}: a driver a test can kill.
   */
  public static Process runInChildJvm(Path dir, Path config, boolean resume, Path log)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.forkline.pipelines.cli.ForklineCli",
                "run",
                config.toString(),
                "--progress",
                "none"));
    if (resume) {
      command.add("--resume");
    }
    return new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }
}
