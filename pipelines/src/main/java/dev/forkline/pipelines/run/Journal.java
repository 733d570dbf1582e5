package dev.forkline.pipelines.run;

import dev.forkline.pipelines.files.DiskFullException;
import dev.forkline.pipelines.files.Durable;
import dev.forkline.pipelines.table.PartWriter;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows of a run as they are made, so a run that is killed ({@code kill -9}, a power cut) loses
 * only the rows in flight: {@code --resume} takes the rows of the journal as well as those of the
 * last table. The table itself is still written only at the end and renamed into place.
 *
 * <p>Each JVM of a run appends to its own Avro file in {@code output/.forkline-journal/}, flushed
 * and forced to the disk at the end of every bundle and, by a timer, within a second of a row. A
 * file cut in the middle of a block is read up to that block. The folder is deleted once a run's
 * table is in place; a run without {@code --resume} deletes what killed runs left.
 */
public final class Journal {
  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

  /** The journal folder inside an output folder. */
  public static final String FOLDER = ".forkline-journal";

  private static final long FLUSH_NANOS = 1_000_000_000L;

  private static final Map<String, Writer> WRITERS = new ConcurrentHashMap<>();

  /** Flushes open journals that had rows appended but no flush for a second. */
  private static final ScheduledExecutorService FLUSHER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "forkline-journal-flush");
            t.setDaemon(true);
            return t;
          });

  private Journal() {}

  static Path folder(Path output) {
    return output.resolve(FOLDER);
  }

  /** Whether the output folder holds journal files of earlier runs. */
  static boolean exists(Path output) {
    return !files(folder(output)).isEmpty();
  }

  /** Deletes the journal folder (after a run's table is in place, or before a fresh run). */
  static void delete(Path output) {
    OutputFolder.deleteRecursively(folder(output));
  }

  private static List<Path> files(Path folder) {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(folder)) {
      return list.filter(p -> p.getFileName().toString().endsWith(".avro"))
          .sorted(Comparator.comparing(Journal::modified).thenComparing(Path::toString))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the journal " + folder, e);
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  /** What {@link #recover} found: the rows' Parquet file and their keys. */
  record Recovered(Path table, Set<String> keys, long rows) {}

  /**
   * Gathers the rows of every journal file into one Parquet file (the newest row of each key, as
   * files are read oldest first), streaming: memory holds the keys, not the rows. Returns null when
   * there is no row.
   */
  static Recovered recover(Path output, Schema schema, String keyField, Path into)
      throws IOException {
    List<Path> files = files(folder(output));
    // Pass 1: the position of the newest row of each key.
    Map<String, Long> newest = new HashMap<>();
    long[] position = {0};
    for (Path file : files) {
      read(file, schema, row -> newest.put(String.valueOf(row.get(keyField)), position[0]++));
    }
    if (newest.isEmpty()) {
      return null;
    }
    // Pass 2: write those rows.
    Files.createDirectories(into.getParent());
    position[0] = 0;
    PartWriter writer = PartWriter.at(into, schema);
    try {
      for (Path file : files) {
        read(
            file,
            schema,
            row -> {
              long at = position[0]++;
              if (newest.get(String.valueOf(row.get(keyField))) == at) {
                try {
                  writer.write(row);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
            });
      }
    } catch (IOException | RuntimeException e) {
      writer.discard();
      throw e;
    }
    writer.finish();
    return new Recovered(into, new HashSet<>(newest.keySet()), writer.rows());
  }

  /**
   * The journal's rows, one per key (the newest), counted as the row counters count them ({@code
   * rows.ok}, {@code rows.failed.KIND}): what a stopped run has kept for {@code --resume}.
   */
  static Map<String, Long> tally(Path output, Schema schema, String keyField) throws IOException {
    Map<String, String> newest = new HashMap<>(); // key -> its counter, the newest row's
    for (Path file : files(folder(output))) {
      read(
          file,
          schema,
          row -> newest.put(String.valueOf(row.get(keyField)), TableTally.counter(row)));
    }
    Map<String, Long> counts = new HashMap<>();
    newest.values().forEach(name -> counts.merge(name, 1L, Long::sum));
    return counts;
  }

  /** Reads a journal file's rows up to its end or its first broken block (a killed writer). */
  private static void read(Path file, Schema schema, java.util.function.Consumer<GenericRecord> out)
      throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
        DataFileStream<GenericRecord> rows =
            new DataFileStream<>(in, new GenericDatumReader<>(null, schema))) {
      while (true) {
        GenericRecord row;
        try {
          if (!rows.hasNext()) {
            return;
          }
          row = rows.next();
        } catch (RuntimeException e) {
          LOG.debug("journal {} ends in a broken block (a killed run): {}", file, e.toString());
          return;
        }
        out.accept(row);
      }
    } catch (IOException e) {
      // Not even a header: the writer was killed before its first flush.
      LOG.debug("journal {} has no readable header: {}", file, e.toString());
    }
  }

  /** One JVM's open journal file. */
  private static final class Writer {
    private final Path file;
    private final FileChannel channel;
    private final DataFileWriter<GenericRecord> avro;
    private long lastFlush = System.nanoTime();
    private boolean dirty;
    private boolean closed;
    private final java.util.concurrent.ScheduledFuture<?> timer;

    Writer(Path file, Schema schema) throws IOException {
      this.file = file;
      Durable.createFolders(file.getParent());
      channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        avro = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema));
        avro.create(schema, Channels.newOutputStream(channel));
        Durable.syncFolder(file.getParent());
      } catch (IOException e) {
        channel.close();
        Files.deleteIfExists(file);
        throw DiskFullException.ifFull(file, e);
      } catch (RuntimeException e) {
        channel.close();
        Files.deleteIfExists(file);
        throw e;
      }
      timer = FLUSHER.scheduleWithFixedDelay(this::flushIfDue, 1, 1, TimeUnit.SECONDS);
    }

    /** A timer's flush: rows appended before a slow element reach the disk within a second. */
    private synchronized void flushIfDue() {
      if (closed || !dirty || System.nanoTime() - lastFlush < FLUSH_NANOS) {
        return;
      }
      try {
        flush();
      } catch (IOException e) {
        LOG.debug("the journal {} could not be flushed: {}", file, e.toString());
      }
    }

    synchronized void append(GenericRecord row) throws IOException {
      try {
        avro.append(row);
        dirty = true;
      } catch (IOException e) {
        throw DiskFullException.ifFull(file, e);
      }
      if (System.nanoTime() - lastFlush > FLUSH_NANOS) {
        flush();
      }
    }

    /** Writes what was appended and forces it to the disk: rows flushed survive a power cut. */
    synchronized void flush() throws IOException {
      try {
        avro.flush();
        channel.force(false);
      } catch (IOException e) {
        throw DiskFullException.ifFull(file, e);
      }
      dirty = false;
      lastFlush = System.nanoTime();
    }

    synchronized void close() throws IOException {
      closed = true;
      timer.cancel(false);
      avro.close();
    }
  }

  /** Closes this JVM's writers of a run (the runner calls it when the pipeline is done). */
  static void close(String run) {
    WRITERS
        .entrySet()
        .removeIf(
            e -> {
              if (!e.getKey().startsWith(run)) {
                return false;
              }
              try {
                e.getValue().close();
              } catch (IOException ex) {
                LOG.debug("closing the journal {} failed: {}", e.getKey(), ex.toString());
              }
              return true;
            });
  }

  /**
   * Where one run journals: the folder, the run's id and the row schema. Serializable: it travels
   * with the pipeline to whichever JVM runs the stages; each JVM writes a file of its own.
   */
  public record Target(String folder, String run, String schemaJson)
      implements java.io.Serializable {

    static Target of(Path output, Schema schema) {
      return new Target(
          Journal.folder(output).toString(), UUID.randomUUID().toString(), schema.toString());
    }

    /** Appends rows to this JVM's journal file of the run (see {@link TableRows}). */
    Appender appender() {
      return new Appender(this);
    }

    private Writer writer() {
      String file =
          Path.of(folder).resolve(run + "-" + ProcessHandle.current().pid() + ".avro").toString();
      return WRITERS.computeIfAbsent(
          run + "/" + file,
          k -> {
            try {
              return new Writer(Path.of(file), new Schema.Parser().parse(schemaJson));
            } catch (IOException e) {
              throw new UncheckedIOException("cannot start the run's journal " + file, e);
            }
          });
    }
  }

  /**
   * Appends rows to the journal: serializable, it travels with a pipeline's DoFn; the file is
   * opened, once per JVM and run, on the first row.
   */
  static final class Appender implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final Target target;
    private transient Writer writer;

    Appender(Target target) {
      this.target = target;
    }

    void append(GenericRecord row) throws IOException {
      writer().append(row);
    }

    /** Makes what was appended durable; called at the end of every bundle. */
    void flush() throws IOException {
      writer().flush();
    }

    private Writer writer() {
      if (writer == null) {
        writer = target.writer();
      }
      return writer;
    }
  }

  /** A name for the recovered rows' file inside the run's staging folder. */
  static Path recoveredFile(Path staging) {
    return staging.resolve("recovered-" + UUID.randomUUID() + ".parquet");
  }
}
