package dev.forkline.pipelines.table;

import dev.forkline.pipelines.UsageException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.InputFile;

/**
 * Reads local Parquet files written by Beam's ParquetIO (Avro {@link GenericRecord}s): the schema
 * and row count from the footer alone, and the rows as a stream. Used by {@code forkline inspect}
 * and by {@code --resume} to read an existing result table, so nothing here loads a whole file.
 * Every problem with the file itself (missing, a directory, not Parquet, cut short) becomes a
 * {@link UsageException} that names the file and says what is wrong.
 */
public final class ParquetTables {
  /** Footer keys under which parquet-avro stores the writer's Avro schema (new, then old). */
  private static final List<String> AVRO_SCHEMA_KEYS =
      List.of("parquet.avro.schema", "avro.schema");

  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  /** Parquet's messages can hold a whole schema: errors show this many characters of them. */
  private static final int MAX_DETAIL = 300;

  /** Magic at the start, footer length and magic at the end: the least a Parquet file holds. */
  private static final int MIN_LENGTH = 2 * MAGIC.length + 4;

  /**
   * Built once and never changed: {@code false} skips loading Hadoop's default XML resources. A
   * reader that needs settings (a projection) gets its own copy.
   */
  private static final Configuration CONF = new Configuration(false);

  private ParquetTables() {}

  /** What the footer of a Parquet file says: its Avro schema and its number of rows. */
  public record Footer(Schema schema, long rowCount) {}

  /** Reads the schema and the row count from the footer of {@code file}, reading no rows. */
  public static Footer footer(Path file) {
    InputFile input = checkedInput(file);
    try (ParquetFileReader reader = ParquetFileReader.open(input)) {
      FileMetaData meta = reader.getFooter().getFileMetaData();
      return new Footer(avroSchema(meta), reader.getRecordCount());
    } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
      throw unreadable(file, "cannot read the Parquet footer", e);
    }
  }

  /** The Avro schema of {@code file}, from its footer (no rows are read). */
  public static Schema schema(Path file) {
    return footer(file).schema();
  }

  /** The number of rows in {@code file}, summed from the footer's row groups (no rows are read). */
  public static long rowCount(Path file) {
    return footer(file).rowCount();
  }

  /** Calls {@code each} with every row of {@code file}, in order, holding one row at a time. */
  public static void forEach(Path file, Consumer<GenericRecord> each) {
    try (Rows rows = open(file)) {
      rows.forEachRemaining(each);
    }
  }

  /** Opens a stream over all the rows of {@code file}; close it when done. */
  public static Rows open(Path file) {
    return open(file, List.of());
  }

  /**
   * Opens a stream over the rows of {@code file} that reads only {@code columns} (all columns if
   * empty): the other columns are not decoded, and are absent from the returned records. Unknown
   * column names are a {@link UsageException} that lists the file's columns.
   */
  public static Rows open(Path file, Collection<String> columns) {
    return open(file, columns.isEmpty() ? null : schema(file), columns);
  }

  /** {@link #open(Path, Collection)} with the file's schema already read from its footer. */
  public static Rows open(Path file, Schema schema, Collection<String> columns) {
    Configuration conf = CONF;
    if (!columns.isEmpty()) {
      conf = new Configuration(CONF);
      Schema projection = project(file, schema, columns);
      AvroReadSupport.setRequestedProjection(conf, projection);
      AvroReadSupport.setAvroReadSchema(conf, projection);
    }
    InputFile input = checkedInput(file);
    try {
      ParquetReader<GenericRecord> reader =
          AvroParquetReader.<GenericRecord>builder(input)
              .withDataModel(GenericData.get())
              .withConf(conf)
              .build();
      return new Rows(file, reader);
    } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
      throw unreadable(file, "cannot open for reading", e);
    }
  }

  /**
   * The names of the columns (top-level fields) of {@code schema}, comma-separated, for error
   * messages that must say what is accepted.
   */
  public static String columnNames(Schema schema) {
    List<String> names = new ArrayList<>();
    for (Schema.Field field : schema.getFields()) {
      names.add(field.name());
    }
    return String.join(", ", names);
  }

  /** The rows of one Parquet file, read one at a time. Not thread-safe. */
  public static final class Rows implements Iterator<GenericRecord>, Closeable {
    private final Path file;
    private final ParquetReader<GenericRecord> reader;
    private GenericRecord next;
    private long read;
    private boolean done;

    private Rows(Path file, ParquetReader<GenericRecord> reader) {
      this.file = file;
      this.reader = reader;
    }

    /** Whether there is another row; reads ahead one row. */
    @Override
    public boolean hasNext() {
      if (next == null && !done) {
        try {
          next = reader.read();
        } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
          throw unreadable(file, "cannot read row " + (read + 1), e);
        }
        done = next == null;
      }
      return next != null;
    }

    /** The next row. */
    @Override
    public GenericRecord next() {
      if (!hasNext()) {
        throw new NoSuchElementException(file + ": no more rows");
      }
      GenericRecord row = next;
      next = null;
      read++;
      return row;
    }

    /** Closes the file. */
    @Override
    public void close() {
      try {
        reader.close();
      } catch (IOException e) {
        throw unreadable(file, "cannot close", e);
      }
    }
  }

  /** Checks that {@code file} looks like a whole Parquet file, then wraps it for parquet-hadoop. */
  private static InputFile checkedInput(Path file) {
    checkLooksLikeParquet(file);
    try {
      return inputFile(file);
    } catch (IOException | RuntimeException e) {
      throw unreadable(file, "cannot open", e);
    }
  }

  /**
   * {@code file} for parquet-hadoop, with no checks: read directly, not through Hadoop's file
   * system, whose start-up was most of a small table's read.
   */
  static InputFile inputFile(Path file) throws IOException {
    return new org.apache.parquet.io.LocalInputFile(file.toAbsolutePath());
  }

  /**
   * Turns the usual mistakes into clear messages before Parquet sees the file: Parquet's own errors
   * for them are stack traces about magic numbers. Reads 8 bytes.
   */
  private static void checkLooksLikeParquet(Path file) {
    if (Files.isDirectory(file)) {
      throw new UsageException(
          file + ": is a directory, not a Parquet file" + parquetFilesIn(file));
    }
    if (!Files.exists(file)) {
      throw new UsageException(file + ": no such file");
    }
    if (!Files.isRegularFile(file)) {
      throw new UsageException(
          file + ": not a regular file (a FIFO or device), not a Parquet file");
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < MIN_LENGTH) {
        throw new UsageException(
            file
                + ": not a Parquet file ("
                + (size == 0 ? "empty" : "only " + size + " bytes")
                + "; is the run still writing it, or was it interrupted?)");
      }
      if (!Arrays.equals(MAGIC, readAt(channel, 0))) {
        throw new UsageException(file + ": not a Parquet file (no PAR1 magic at the start)");
      }
      if (!Arrays.equals(MAGIC, readAt(channel, size - MAGIC.length))) {
        throw new UsageException(
            file
                + ": not a Parquet file (no PAR1 magic at the end; is the run still writing it, or"
                + " was it interrupted?)");
      }
    } catch (AccessDeniedException e) {
      throw new UsageException(file + ": permission denied", e);
    } catch (IOException e) {
      throw unreadable(file, "cannot read", e);
    }
  }

  /** {@code " (in it: a.parquet, b.parquet)"}: a hint naming a few Parquet files in {@code dir}. */
  private static String parquetFilesIn(Path dir) {
    List<String> names;
    try (Stream<Path> children = Files.list(dir)) {
      names =
          children
              .map(child -> child.getFileName().toString())
              .filter(name -> name.endsWith(".parquet") && !name.startsWith("."))
              .sorted()
              .toList();
    } catch (IOException e) {
      return "";
    }
    if (names.isEmpty()) {
      return "";
    }
    String some = String.join(", ", names.subList(0, Math.min(3, names.size())));
    return " (in it: " + some + (names.size() > 3 ? ", … " + names.size() + " in all" : "") + ")";
  }

  private static byte[] readAt(FileChannel channel, long position) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        break;
      }
    }
    return buffer.array();
  }

  /** The writer's Avro schema from the footer, or one derived from the Parquet schema. */
  private static Schema avroSchema(FileMetaData meta) {
    Map<String, String> keyValues = meta.getKeyValueMetaData();
    for (String key : AVRO_SCHEMA_KEYS) {
      String json = keyValues.get(key);
      if (json != null) {
        return new Schema.Parser().parse(json);
      }
    }
    return new AvroSchemaConverter(CONF).convert(meta.getSchema());
  }

  /** A record schema with only {@code columns} of {@code schema}, in that order. */
  private static Schema project(Path file, Schema schema, Collection<String> columns) {
    List<Schema.Field> fields = new ArrayList<>();
    for (String column : columns) {
      Schema.Field field = schema.getField(column);
      if (field == null) {
        throw new UsageException(
            file + ": no column '" + column + "'; the columns are: " + columnNames(schema));
      }
      if (fields.stream().noneMatch(f -> f.name().equals(column))) {
        fields.add(new Schema.Field(field, field.schema()));
      }
    }
    return Schema.createRecord(
        schema.getName(), schema.getDoc(), schema.getNamespace(), schema.isError(), fields);
  }

  /**
   * The error for a file Parquet cannot read, on one line. The two errors are what a few crafted
   * bytes cause: a Thrift list or a chunk declaring 2^31 elements is allocated before it is read,
   * and the schema's nesting is followed by recursion; neither leaves the JVM harmed.
   */
  private static UsageException unreadable(Path file, String what, Throwable e) {
    String detail;
    if (e instanceof OutOfMemoryError) {
      detail = "it declares more data than fits in memory (" + e.getMessage() + ")";
    } else if (e instanceof StackOverflowError) {
      detail = "its schema nests too deeply to read";
    } else {
      detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    detail = detail.strip().replaceAll("\\s*\\R\\s*", " ");
    if (detail.length() > MAX_DETAIL) {
      detail = detail.substring(0, MAX_DETAIL) + "…";
    }
    return new UsageException(
        file + ": " + what + " (corrupt or incomplete Parquet file?): " + detail, e);
  }
}
