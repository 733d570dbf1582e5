package dev.forkline.pipelines.table;

import dev.forkline.pipelines.files.DiskFullException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
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

/**
 * Writes rows into one Parquet file, {@code dir/name}, as they come, in two transforms: {@link
 * #parts} streams each bundle's rows into a part file of its own ({@link PartWriter}), and {@link
 * #mergeInto} makes the parts the file at the end (see {@link #merge}). A step may also write its
 * parts itself as its elements finish (a {@code StageChain} with a table sink) and hand only their
 * paths to {@link #mergeInto}; the runner does both, for a resumed run's earlier rows and its new
 * ones.
 *
 * <p>Why not {@code FileIO.write().withNumShards(1)}: one shard groups every row of the run under
 * one key before writing (in memory on the Direct runner, on one worker on a cluster), so nothing
 * is written until the last row is made. Here each batch's rows are written when its bundle ends,
 * while other batches still run, and on Flink or Spark as they come.
 *
 * <p>A bundle that fails deletes its part (and only the parts of bundles that finished reach the
 * merge); the parts stay in {@code dir/parts/} until the caller deletes {@code dir}, so a runner
 * may retry the merge. No rows, no file: the caller writes an empty table then. The order of rows
 * across parts is not defined, as with FileIO. Parts must be in the global window.
 */
public final class TableWrite {
  private TableWrite() {}

  /** Rows of {@code schema} into part files under {@code dir}; outputs each part's path. */
  public static Parts parts(Path dir, Schema schema) {
    return new Parts(dir.toAbsolutePath().toString(), schema.toString());
  }

  /**
   * Part files (paths, as {@link #parts} or a {@link PartWriter} made them) into {@code dir/name}.
   */
  public static Merge mergeInto(Path dir, String name) {
    checkName(name);
    return new Merge(dir.toAbsolutePath().toString(), name);
  }

  private static void checkName(String name) {
    if (name.isEmpty() || name.contains("/")) {
      throw new IllegalArgumentException("a table name is a file name, not '" + name + "'");
    }
  }

  /** The folder the part files of a table in {@code dir} go to. */
  public static Path partsFolder(Path dir) {
    return dir.toAbsolutePath().resolve("parts");
  }

  /** Rows into part files, a part per bundle; outputs their paths. */
  public static final class Parts
      extends PTransform<PCollection<GenericRecord>, PCollection<String>> {
    private final String dir;
    private final String schemaJson;

    private Parts(String dir, String schemaJson) {
      this.dir = dir;
      this.schemaJson = schemaJson;
    }

    @Override
    public PCollection<String> expand(PCollection<GenericRecord> rows) {
      return rows.apply("Write parts", ParDo.of(new PartFn(dir, schemaJson)))
          .setCoder(StringUtf8Coder.of());
    }
  }

  /** Part files into the table file, once every part is written; outputs the table's path. */
  public static final class Merge extends PTransform<PCollection<String>, PCollection<String>> {
    private final String dir;
    private final String name;

    private Merge(String dir, String name) {
      this.dir = dir;
      this.name = name;
    }

    @Override
    public PCollection<String> expand(PCollection<String> parts) {
      return parts
          .apply("Key parts", WithKeys.of(0))
          .setCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of()))
          .apply("Gather parts", GroupByKey.create())
          .apply("Merge parts", ParDo.of(new MergeFn(dir, name)))
          .setCoder(StringUtf8Coder.of());
    }
  }

  /** Streams each bundle's rows into a part file of its own; outputs the part's path. */
  static final class PartFn extends DoFn<GenericRecord, String> {
    private final BundlePart part;

    PartFn(String dir, String schemaJson) {
      this.part = new BundlePart(partsFolder(Path.of(dir)), schemaJson);
    }

    @StartBundle
    public void startBundle() throws IOException {
      part.discard(); // what a failed bundle left, should this instance be used again
    }

    @ProcessElement
    public void process(@Element GenericRecord row) throws IOException {
      part.write(row);
    }

    @FinishBundle
    public void finish(FinishBundleContext context) throws IOException {
      String file = part.finish();
      if (file != null) {
        context.output(file, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
      }
    }

    @Teardown
    public void teardown() throws IOException {
      part.discard(); // a bundle that failed: its part is never merged
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
    } catch (IOException e) {
      throw DiskFullException.ifFull(table, e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void append(List<Path> parts, Path into) throws IOException {
    FileMetaData meta;
    try (ParquetFileReader reader = ParquetFileReader.open(ParquetTables.inputFile(parts.get(0)))) {
      meta = reader.getFooter().getFileMetaData();
    }
    LocalOutputFile out = new LocalOutputFile(into);
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
    PartWriter writer = PartWriter.at(into, ParquetTables.schema(parts.get(0)));
    try {
      for (Path part : parts) {
        try (ParquetTables.Rows rows = ParquetTables.open(part)) {
          while (rows.hasNext()) {
            writer.write(rows.next());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      writer.discard();
      throw e;
    }
    writer.finish();
  }
}
