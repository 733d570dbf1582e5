package dev.forkline.pipelines.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;

/** Writes small real Parquet files, as ParquetIO would, for the tests of reading them. */
public final class ParquetFixtures {
  /** A result-like schema: a string, a nullable string, a long, a double, a list, a map. */
  public static final Schema SCHEMA =
      SchemaBuilder.record("Result")
          .namespace("dev.forkline.test")
          .fields()
          .requiredString("id")
          .optionalString("note")
          .requiredLong("attempts")
          .requiredDouble("score")
          .name("tags")
          .type()
          .array()
          .items()
          .stringType()
          .noDefault()
          .name("labels")
          .type()
          .map()
          .values()
          .stringType()
          .noDefault()
          .endRecord();

  private ParquetFixtures() {}

  /** A row of {@link #SCHEMA}. */
  public static GenericRecord row(
      String id,
      String note,
      long attempts,
      double score,
      List<String> tags,
      Map<String, String> labels) {
    return new GenericRecordBuilder(SCHEMA)
        .set("id", id)
        .set("note", note)
        .set("attempts", attempts)
        .set("score", score)
        .set("tags", tags)
        .set("labels", labels)
        .build();
  }

  /** {@code count} rows with ids {@code r0, r1, ...}; every third has a null note. */
  public static List<GenericRecord> rows(int count) {
    GenericRecord[] rows = new GenericRecord[count];
    for (int i = 0; i < count; i++) {
      rows[i] =
          row(
              "r" + i,
              i % 3 == 0 ? null : "note " + i,
              i,
              i / 2.0,
              List.of("t" + i),
              Map.of("k", "v" + i));
    }
    return List.of(rows);
  }

  /** Writes {@code rows} to {@code file} in one row group. */
  public static Path write(Path file, List<GenericRecord> rows) throws IOException {
    return write(file, rows, ParquetWriter.DEFAULT_BLOCK_SIZE);
  }

  /** Writes {@code rows} to {@code file}, starting a new row group every ~{@code rowGroupBytes}. */
  public static Path write(Path file, List<GenericRecord> rows, long rowGroupBytes)
      throws IOException {
    return write(file, SCHEMA, rows, rowGroupBytes);
  }

  /** Writes {@code rows} of {@code schema} to {@code file} in one row group. */
  public static Path write(Path file, Schema schema, List<GenericRecord> rows) throws IOException {
    return write(file, schema, rows, ParquetWriter.DEFAULT_BLOCK_SIZE);
  }

  private static Path write(Path file, Schema schema, List<GenericRecord> rows, long rowGroupBytes)
      throws IOException {
    Configuration conf = new Configuration(false);
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());
    try (ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(HadoopOutputFile.fromPath(path, conf))
            .withSchema(schema)
            .withDataModel(GenericData.get())
            .withConf(conf)
            .withRowGroupSize(rowGroupBytes)
            .build()) {
      for (GenericRecord row : rows) {
        writer.write(row);
      }
    }
    // Hadoop's local file system leaves a checksum file beside; Beam's writer does not.
    Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    return file;
  }
}
