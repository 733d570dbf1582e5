package dev.forkline.pipelines.table;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * Writes rows into one Parquet file, {@code dir/name}, as they come: each bundle streams its rows
 * through {@link ParquetIO#sink} into a part file of its own, and at the end the parts become the
 * file (see {@link #merge}).
 *
 * <p>Why not {@code FileIO.write().withNumShards(1)}: one shard groups every row of the run under
 * one key before writing (in memory on the Direct runner, on one worker on a cluster), so nothing
 * is written until the last row is made. Here each batch's rows are written when its bundle ends,
 * while other batches still run, and on Flink or Spark as they come. What this does not change: the
 * Direct runner hands a step's outputs on when its bundle ends, so a run whose inputs form one
 * bundle (one host's URLs) still writes its rows after its last one is made: a warm daemon's 2,000
 * pages were on disk 0.23 to 0.29 s after the last fetch either way.
 *
 * <p>A bundle that fails deletes its part (and only the parts of bundles that finished reach the
 * merge); the parts stay in {@code dir/parts/} until the caller deletes {@code dir}, so a runner
 * may retry the merge. No rows, no file: the caller writes an empty table then. The order of rows
 * across parts is not defined, as with FileIO.
 */
public final class TableWrite extends PTransform<PCollection<GenericRecord>, PCollection<String>> {
  private final String dir;
  private final String name;
  private final String schemaJson;

  private TableWrite(String dir, String name, String schemaJson) {
    this.dir = dir;
    this.name = name;
    this.schemaJson = schemaJson;
  }

  /** Rows of {@code schema} into {@code dir/name}. */
  public static TableWrite to(Path dir, String name, Schema schema) {
    if (name.isEmpty() || name.contains("/")) {
      throw new IllegalArgumentException("a table name is a file name, not '" + name + "'");
    }
    return new TableWrite(dir.toAbsolutePath().toString(), name, schema.toString());
  }

  /** The folder a run's parts go to under {@code dir}. */
  static Path parts(Path dir) {
    return dir.resolve("parts");
  }

  @Override
  public PCollection<String> expand(PCollection<GenericRecord> rows) {
    return rows.apply("Write parts", ParDo.of(new PartFn(dir, schemaJson)))
        .setCoder(StringUtf8Coder.of())
        .apply("Key parts", WithKeys.of(0))
        .setCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of()))
        .apply("Gather parts", GroupByKey.create())
        .apply("Merge parts", ParDo.of(new MergeFn(dir, name)))
        .setCoder(StringUtf8Coder.of());
  }

  /** Streams each bundle's rows into a part file of its own; outputs the part's path. */
  static final class PartFn extends DoFn<GenericRecord, String> {
    private final String dir;
    private final String schemaJson;
    private transient Schema schema;
    private transient Path part;
    private transient FileChannel channel;
    private transient ParquetIO.Sink sink;

    PartFn(String dir, String schemaJson) {
      this.dir = dir;
      this.schemaJson = schemaJson;
    }

    @Setup
    public void setup() {
      schema = new Schema.Parser().parse(schemaJson);
    }

    @StartBundle
    public void startBundle() throws IOException {
      discard(); // what a failed bundle left, should this instance be used again
    }

    @ProcessElement
    public void process(@Element GenericRecord row) throws IOException {
      if (part == null) {
        Path folder = parts(Path.of(dir));
        Files.createDirectories(folder);
        Path file = folder.resolve("part-" + UUID.randomUUID() + ".parquet");
        channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        part = file;
        sink = ParquetIO.sink(schema);
        sink.open(channel);
      }
      sink.write(row);
    }

    @FinishBundle
    public void finish(FinishBundleContext context) throws IOException {
      if (part == null) {
        return;
      }
      Path done = part;
      try {
        sink.flush(); // writes the footer
        channel.close();
      } catch (IOException | RuntimeException e) {
        discard();
        throw e;
      }
      part = null;
      channel = null;
      sink = null;
      context.output(done.toString(), GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
    }

    @Teardown
    public void teardown() throws IOException {
      discard(); // a bundle that failed: its part is never merged
    }

    /** Closes and deletes an unfinished part. */
    private void discard() throws IOException {
      try {
        if (channel != null && channel.isOpen()) {
          channel.close();
        }
        if (part != null) {
          Files.deleteIfExists(part);
        }
      } finally {
        part = null;
        channel = null;
        sink = null;
      }
    }
  }

  /** Turns the finished parts into the table file. */
  static final class MergeFn extends DoFn<KV<Integer, Iterable<String>>, String> {
    private final String dir;
    private final String name;

    MergeFn(String dir, String name) {
      this.dir = dir;
      this.name = name;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<String>> parts, OutputReceiver<String> out)
        throws IOException {
      List<Path> files = new ArrayList<>();
      parts.getValue().forEach(p -> files.add(Path.of(p)));
      files.sort(null);
      Path table = Path.of(dir).resolve(name);
      merge(files, table);
      out.output(table.toString());
    }
  }

  /**
   * Parts up to which their row groups are appended as they are; more are rewritten row by row into
   * full row groups (many small bundles, each a row group of its own, made a file slow to read).
   */
  static final int APPEND_PARTS = 8;

  /**
   * {@code parts} (Parquet files of one schema) as the one file {@code table}, written under a
   * temporary name and moved into place: one part is linked (or copied), up to {@link
   * #APPEND_PARTS} have their row groups appended in order, more are rewritten. The parts stay (the
   * caller deletes the folder), so a runner may retry this; a failed attempt leaves no table.
   */
  static void merge(List<Path> parts, Path table) throws IOException {
    Path tmp = table.resolveSibling(table.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      if (parts.size() == 1) {
        try {
          Files.createLink(tmp, parts.get(0));
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(parts.get(0), tmp);
        }
      } else if (parts.size() <= APPEND_PARTS) {
        append(parts, tmp);
      } else {
        rewrite(parts, tmp);
      }
      Files.move(tmp, table, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void append(List<Path> parts, Path into) throws IOException {
    FileMetaData meta;
    try (ParquetFileReader reader = ParquetFileReader.open(ParquetTables.inputFile(parts.get(0)))) {
      meta = reader.getFooter().getFileMetaData();
    }
    LocalOutput out = new LocalOutput(into);
    try {
      ParquetFileWriter writer =
          new ParquetFileWriter(
              out,
              meta.getSchema(),
              ParquetFileWriter.Mode.CREATE,
              ParquetWriter.DEFAULT_BLOCK_SIZE,
              ParquetWriter.MAX_PADDING_SIZE_DEFAULT);
      writer.start();
      for (Path part : parts) {
        writer.appendFile(ParquetTables.inputFile(part));
      }
      writer.end(meta.getKeyValueMetaData());
    } finally {
      out.closeQuietly(); // end() closed it, unless something failed first
    }
  }

  private static void rewrite(List<Path> parts, Path into) throws IOException {
    Schema schema = ParquetTables.schema(parts.get(0));
    try (FileChannel channel =
        FileChannel.open(into, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ParquetIO.Sink sink = ParquetIO.sink(schema);
      sink.open(channel);
      for (Path part : parts) {
        try (ParquetTables.Rows rows = ParquetTables.open(part)) {
          while (rows.hasNext()) {
            sink.write(rows.next());
          }
        }
      }
      sink.flush();
    }
  }

  /**
   * A local file as a Parquet output, written straight (Hadoop's local file system would add a
   * {@code .crc} file beside it); remembers its stream so a failed merge can close it.
   */
  private static final class LocalOutput implements OutputFile {
    private final Path file;
    private OutputStream stream;

    LocalOutput(Path file) {
      this.file = file;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
      return open(StandardOpenOption.CREATE_NEW);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
      return open(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    void closeQuietly() {
      if (stream != null) {
        try {
          stream.close();
        } catch (IOException e) {
          // the file is deleted by the caller
        }
      }
    }

    private PositionOutputStream open(StandardOpenOption... options) throws IOException {
      OpenOption[] all = Arrays.copyOf(options, options.length + 1, OpenOption[].class);
      all[options.length] = StandardOpenOption.WRITE;
      OutputStream out = new BufferedOutputStream(Files.newOutputStream(file, all), 1 << 16);
      stream = out;
      return new PositionOutputStream() {
        private long pos;

        @Override
        public long getPos() {
          return pos;
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
          pos++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
          pos += len;
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.close();
        }
      };
    }
  }
}
