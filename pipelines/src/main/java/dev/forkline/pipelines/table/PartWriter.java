package dev.forkline.pipelines.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * One part of a table being written: a Parquet file of its own in a folder, rows appended one by
 * one, finished (footer written, closed) or discarded (closed, deleted). The file is what {@link
 * org.apache.beam.sdk.io.parquet.ParquetIO#sink} writes, to the byte, but in data pages of {@link
 * #PAGE_SIZE} (and see {@link Utf8Model} on broken UTF-16), in less time:
 *
 * <ul>
 *   <li>no Hadoop configuration is read from the class path per file (10 ms each under C1);
 *   <li>strings are handed to Parquet as UTF-8 bytes ({@link Utf8}): Parquet encodes a {@code
 *       java.lang.String} through a {@code CharsetEncoder} per value, which makes writing scraped
 *       pages about twice as slow. The rows themselves are not changed.
 * </ul>
 */
public final class PartWriter {
  /**
   * The data page size: 64 KiB, not Parquet's 1 MiB. A page is encoded and compressed when it
   * fills, so with 1 MiB pages a bundle encodes nearly all of its columns at the end, after its
   * last row; smaller pages move that work to the rows' arrival (16 KiB would move more, but makes
   * the files 2 % larger).
   */
  public static final int PAGE_SIZE = 64 * 1024;

  private final LocalOutputFile out;
  private final ParquetWriter<GenericRecord> writer;
  private long rows;
  private boolean open = true;
  private boolean finished;

  private PartWriter(LocalOutputFile out, ParquetWriter<GenericRecord> writer) {
    this.out = out;
    this.writer = writer;
  }

  /** A new part file, {@code folder/part-UUID.parquet}, for rows of {@code schema}. */
  public static PartWriter create(Path folder, Schema schema) throws IOException {
    Files.createDirectories(folder);
    return at(folder.resolve("part-" + UUID.randomUUID() + ".parquet"), schema);
  }

  /** A new Parquet file, {@code file}, which must not exist yet. */
  public static PartWriter at(Path file, Schema schema) throws IOException {
    LocalOutputFile out = new LocalOutputFile(file);
    try {
      ParquetWriter<GenericRecord> writer =
          AvroParquetWriter.<GenericRecord>builder(out)
              .withSchema(schema)
              .withDataModel(Utf8Model.INSTANCE)
              .withConf(new Configuration(false))
              .withCompressionCodec(CompressionCodecName.SNAPPY)
              .withRowGroupSize(ParquetWriter.DEFAULT_BLOCK_SIZE)
              .withPageSize(PAGE_SIZE)
              .withWriteMode(ParquetFileWriter.Mode.CREATE)
              .build();
      return new PartWriter(out, writer);
    } catch (IOException | RuntimeException e) {
      if (out.opened()) { // not a file that was there before
        out.closeQuietly();
        Files.deleteIfExists(out.path());
      }
      throw e;
    }
  }

  /** The part's file. */
  public Path path() {
    return out.path();
  }

  /** Rows written so far. */
  public long rows() {
    return rows;
  }

  public void write(GenericRecord row) throws IOException {
    if (!open) {
      throw new IllegalStateException("part " + out.path() + " is finished or discarded");
    }
    writer.write(row);
    rows++;
  }

  /** Writes the footer and closes the file; returns its path. A failure deletes it. */
  public Path finish() throws IOException {
    if (!open) {
      throw new IllegalStateException("part " + out.path() + " is finished or discarded");
    }
    open = false;
    try {
      writer.close();
    } catch (IOException | RuntimeException e) {
      delete();
      throw e;
    }
    finished = true;
    return out.path();
  }

  /**
   * Closes the file, if open, and deletes it: a bundle that failed or was given up. Does nothing to
   * a part already finished (it may be on its way to the merge).
   */
  public void discard() throws IOException {
    if (finished) {
      return;
    }
    if (open) {
      open = false;
      try {
        writer.close(); // releases the compressor; the file is deleted below
      } catch (IOException | RuntimeException e) {
        // what a failed writer left is deleted all the same
      }
    }
    delete();
  }

  private void delete() throws IOException {
    out.closeQuietly();
    if (out.opened()) {
      Files.deleteIfExists(out.path());
    }
  }

  /**
   * Avro's generic model, except that a record's string values (and lists of them) are read as
   * {@link Utf8}, which Parquet takes as bytes without encoding them again. One difference from
   * {@code ParquetIO.sink}: a string holding an unpaired surrogate (half of a UTF-16 pair, as a cut
   * in the middle of an emoji leaves) is written with {@code ?} in its place, as the run's journal
   * (Avro) writes it, where Parquet's own encoder throws and fails the bundle.
   */
  static final class Utf8Model extends GenericData {
    static final Utf8Model INSTANCE = new Utf8Model();

    @Override
    public Object getField(Object record, String name, int position) {
      return utf8(super.getField(record, name, position));
    }

    private static Object utf8(Object value) {
      if (value instanceof String s) {
        return new Utf8(s.getBytes(StandardCharsets.UTF_8));
      }
      if (value instanceof List<?> list) {
        List<Object> copy = null;
        for (int i = 0; i < list.size(); i++) {
          if (list.get(i) instanceof String s) {
            if (copy == null) {
              copy = new ArrayList<>(list);
            }
            copy.set(i, new Utf8(s.getBytes(StandardCharsets.UTF_8)));
          }
        }
        return copy == null ? value : copy;
      }
      return value;
    }
  }
}
