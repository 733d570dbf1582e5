package dev.forkline.pipelines.run;

import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.exec.LiveCounters;
import dev.forkline.pipelines.exec.StageMetrics;
import dev.forkline.pipelines.files.DiskFullException;
import dev.forkline.pipelines.files.Durable;
import dev.forkline.pipelines.table.PartWriter;
import dev.forkline.pipelines.table.TableWrite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a validated config: builds the pipeline, writes its result table atomically, shows progress
 * and returns the final counters. Shared by every pipeline and every runner.
 *
 * <pre>{@code
 * RunResult result = ForklineRunner.run(config, RunOptions.quiet());
 * }</pre>
 *
 * <p>The table is written into a staging folder inside the output folder and renamed over the
 * previous table only when the run succeeded, so an interrupted run never leaves half a table and
 * never destroys the last good one.
 */
public final class ForklineRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ForklineRunner.class);
  private static final String STAGING_PREFIX = ".forkline-staging-";

  private ForklineRunner() {}

  /** The definition of a pipeline type; fails clearly for pipelines this version cannot run. */
  public static PipelineDefinition definition(ForklineConfig config) {
    return PipelineFactory.definition(config);
  }

  /**
   * Runs a config to the end.
   *
   * @throws PipelineFailedException if the pipeline itself failed (not an element: those become
   *     failed rows)
   */
  public static RunResult run(ForklineConfig config, RunOptions options) {
    PipelineDefinition definition = definition(config);
    Path output = config.output();
    try {
      Files.createDirectories(output);
    } catch (IOException e) {
      throw new OutputFolderException(
          "cannot create the output folder " + output + ": " + e.getMessage());
    }
    try (OutputLock lock = OutputLock.acquire(output)) {
      removeLeftovers(output);
      Path staging = output.resolve(STAGING_PREFIX + UUID.randomUUID());
      Thread cleanup = new Thread(() -> deleteRecursively(staging), "forkline-cleanup");
      Runtime.getRuntime().addShutdownHook(cleanup);
      try (AutoCloseable beside = prepare(definition, config)) {
        return runLocked(definition, config, options, staging);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new PipelineFailedException("stopping what ran beside the pipeline failed", e);
      } finally {
        deleteRecursively(staging);
        removeLeftovers(output);
        try {
          Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
          // The JVM is already shutting down; the hook does the cleaning.
        }
      }
    }
  }

  private static AutoCloseable prepare(PipelineDefinition definition, ForklineConfig config) {
    try {
      return definition.prepare(config);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new OutputFolderException(e.getMessage());
    }
  }

  private static RunResult runLocked(
      PipelineDefinition definition, ForklineConfig config, RunOptions options, Path staging) {
    Path output = config.output();
    Path table = output.resolve(definition.tableName());
    Schema schema = definition.schema();
    String keyField = definition.keyField();
    if (!options.resume()) {
      Journal.delete(output); // rows of killed runs: this run redoes every input anyway
    }
    boolean hasTable = Files.isRegularFile(table);
    Schema earlierColumns = null;
    if (options.resume() && hasTable) {
      earlierColumns =
          EarlierTable.readable(
              schema, EarlierTable.checkFooter(table, schema, config.pipeline().configName()));
    }
    Journal.Recovered recovered = null;
    if (options.resume() && Journal.exists(output)) {
      try {
        recovered = Journal.recover(output, schema, keyField, Journal.recoveredFile(staging));
      } catch (IOException e) {
        if (DiskFullException.isFull(e)) {
          throw new RunStoppedException(
              "the disk is full: " + e.getMessage() + "; free some space, then run again", null, e);
        }
        throw new PipelineFailedException(
            "cannot read the journal of an interrupted run in "
                + Journal.folder(output)
                + " ("
                + e.getMessage()
                + "); delete that folder to resume from the table alone",
            e);
      }
      if (recovered != null) {
        LOG.info(
            "--resume: {} rows from the journal of an interrupted run{}",
            recovered.rows(),
            hasTable ? " and the rows of " + table : "");
      }
    }
    boolean resume = options.resume() && (hasTable || recovered != null);
    if (options.resume() && !resume) {
      LOG.info("--resume: no earlier table at {}; processing every input", table);
    }
    Pipeline pipeline = Pipeline.create(pipelineOptions(definition, config, options));
    PCollection<String> parts;
    Path scratch = staging.resolve("scratch");
    Journal.Target journal = Journal.Target.of(output, schema);
    Path partsFolder = TableWrite.partsFolder(staging);
    if (resume) {
      PCollectionList<GenericRecord> sources = PCollectionList.empty(pipeline);
      if (hasTable) {
        PCollection<GenericRecord> tableRows =
            pipeline.apply("Read earlier table", readTable(earlierColumns, table));
        if (earlierColumns.getFields().size() < schema.getFields().size()) {
          // A table of an earlier version: the columns added since are empty.
          tableRows =
              tableRows
                  .apply("Add columns of this version", ParDo.of(new EarlierTable.FillFn(schema)))
                  .setCoder(AvroCoder.of(GenericRecord.class, schema));
        }
        if (recovered != null) {
          tableRows =
              tableRows
                  .apply(
                      "Drop rows the journal has again",
                      ParDo.of(new DropKeysFn(keyField, recovered.keys())))
                  .setCoder(AvroCoder.of(GenericRecord.class, schema));
        }
        sources = sources.and(tableRows);
      }
      if (recovered != null) {
        sources = sources.and(pipeline.apply("Read journal", readTable(schema, recovered.table())));
      }
      PCollection<KV<String, GenericRecord>> newest =
          sources
              .apply("Earlier rows", Flatten.pCollections())
              .setCoder(AvroCoder.of(GenericRecord.class, schema))
              .apply("Newest row per key", Resume.newestPerKey(definition));
      PCollectionView<Map<String, String>> done =
          newest
              .apply("Recorded identities", Resume.recordedIdentities(definition, config))
              .apply("Identities view", View.asMap());
      ResumeVerdicts verdicts = new ResumeVerdicts();
      PCollection<String> fresh =
          definition.expand(
              pipeline, new RunContext(config, done, scratch, journal, partsFolder, verdicts));
      PCollection<GenericRecord> kept =
          Resume.keptRows(newest, verdicts.reported(), definition)
              .setCoder(AvroCoder.of(GenericRecord.class, schema));
      parts =
          PCollectionList.of(kept.apply("Write earlier rows", TableWrite.parts(staging, schema)))
              .and(fresh)
              .apply("All parts", Flatten.pCollections());
    } else {
      parts =
          definition.expand(
              pipeline, new RunContext(config, null, scratch, journal, partsFolder, null));
    }
    String tableName = definition.tableName();
    parts.apply("Write table", TableWrite.mergeInto(staging, tableName));

    LiveCounters.reset();
    long start = System.nanoTime();
    java.time.Instant startedAt = java.time.Instant.now();
    RunSamples samples = new RunSamples(config.stages().keySet(), start);
    PipelineResult result = null;
    try {
      ClusterRunner runner = clusterRunner(options);
      result = runner == null ? pipeline.run() : runner.track(pipeline.run());
      MetricsSnapshot last = await(result, config, options, start, samples);
      Duration wall = Duration.ofNanos(System.nanoTime() - start);
      Path written = staging.resolve(tableName);
      if (!Files.exists(written) && last.rowsOk() + last.rowsFailed() == 0) {
        // TableWrite writes no file for an empty input; an empty table is still the right answer.
        writeEmptyTable(definition, written);
      }
      Journal.close(journal.run());
      publish(written, table);
      Journal.delete(output); // the table holds every row now
      RunResult done =
          new RunResult(config, last, table, last.get(StageMetrics.RESUME_CARRIED), wall);
      RunReporting.write(done, options, startedAt, samples);
      return done;
    } catch (DiskFullException e) {
      throw stopped(e, config, schema, keyField, result, table, start);
    } catch (RuntimeException e) {
      Journal.close(journal.run());
      if (DiskFullException.isFull(e)) {
        throw stopped(e, config, schema, keyField, result, table, start);
      }
      if (e instanceof Pipeline.PipelineExecutionException
          || e instanceof PipelineFailedException) {
        blameEarlierTable(resume && hasTable, table);
      }
      if (e instanceof Pipeline.PipelineExecutionException) {
        throw new PipelineFailedException(
            "the pipeline failed: " + rootMessage(e), e.getCause() == null ? e : e.getCause());
      }
      throw e;
    }
  }

  /** A run the disk filled up under: what could not be written, how far it got, what to do. */
  private static RunStoppedException stopped(
      Throwable e,
      ForklineConfig config,
      Schema schema,
      String keyField,
      PipelineResult result,
      Path table,
      long start) {
    DiskFullException full = DiskFullException.find(e);
    String what = full != null ? full.getMessage() : rootMessage(e);
    RunResult partial = null;
    long done = 0;
    try {
      // The rows that count are those in the journal: a failed bundle's counters may be lost.
      MetricsSnapshot last =
          MetricsSnapshot.of(result, false)
              .withRows(Journal.tally(config.output(), schema, keyField));
      partial =
          new RunResult(
              config,
              last,
              table,
              last.get(StageMetrics.RESUME_CARRIED),
              Duration.ofNanos(System.nanoTime() - start));
      done = last.rowsOk() + last.rowsFailed();
    } catch (IOException | RuntimeException unreadable) {
      LOG.debug("no counters of the stopped run: {}", unreadable.toString());
    }
    return new RunStoppedException(
        "the disk is full: "
            + what
            + "; the run stopped with "
            + String.format(java.util.Locale.ROOT, "%,d", done)
            + (done == 1 ? " row" : " rows")
            + " done, kept in "
            + Journal.folder(config.output())
            + ": free some space, then run again with --resume",
        partial,
        e);
  }

  /**
   * After a failed run that read {@code table}: if a row of it cannot be read, that is the error to
   * report (its footer was checked before the run). Not after an interrupt, which is no failure.
   */
  private static void blameEarlierTable(boolean read, Path table) {
    if (read && !Thread.currentThread().isInterrupted()) {
      EarlierTable.checkRows(table);
    }
  }

  /**
   * Reads a table as generic records: Beam's default model is Avro's specific one, which loads and
   * builds the classes a file's schema names (the record's name, a {@code java-class}).
   */
  private static ParquetIO.Read readTable(Schema schema, Path table) {
    return ParquetIO.read(schema)
        .withProjection(schema, schema)
        .withAvroDataModel(GenericData.get())
        .from(table.toString());
  }

  private static ClusterRunner clusterRunner(RunOptions options) {
    return Runners.DIRECT.equals(options.runner()) ? null : Runners.find(options.runner());
  }

  /**
   * Waits for the run, printing progress from its metrics. Direct, Spark and (detached) Flink all
   * return from {@code run()} at once and report metrics while running; a runner that blocks in
   * {@code run()} simply arrives here finished and shows only the summary.
   */
  private static MetricsSnapshot await(
      PipelineResult result,
      ForklineConfig config,
      RunOptions options,
      long start,
      RunSamples samples) {
    ProgressMonitor monitor =
        options.progress() == null
            ? null
            : new ProgressMonitor(
                options.progress(),
                options.progressIsTerminal(),
                options.progressJson(),
                config.pipeline().stages(),
                start);
    // Wakes for the report's progress samples each second, for the progress line at its interval.
    Duration interval = options.progressInterval();
    Duration tick = interval.compareTo(RunSamples.EVERY) < 0 ? interval : RunSamples.EVERY;
    long lastShown = start;
    DirectWait direct = Runners.DIRECT.equals(options.runner()) ? new DirectWait(result) : null;
    PipelineResult.State state;
    while (true) {
      state =
          direct == null
              ? result.waitUntilFinish(org.joda.time.Duration.millis(tick.toMillis()))
              : direct.await(tick);
      if (state != null && state.isTerminal()) {
        break;
      }
      MetricsSnapshot now = MetricsSnapshot.of(result, false);
      samples.add(now);
      if (monitor != null && System.nanoTime() - lastShown >= interval.toNanos() - 1_000_000) {
        lastShown = System.nanoTime();
        monitor.update(now);
      }
    }
    if (monitor != null) {
      monitor.finish();
    }
    if (state != PipelineResult.State.DONE) {
      throw new PipelineFailedException("the pipeline ended in state " + state, null);
    }
    return MetricsSnapshot.of(result, true);
  }

  /**
   * Waits for a Direct run without sleeping past its end. The Direct runner's own wait looks for
   * news every 25 ms, and its state turns DONE without news: each run's wait slept 0 to 25 ms past
   * its end. Here a thread of its own waits as before, for the exception a failed run throws, while
   * the caller reads the state each millisecond: DONE ends the wait at once; any other end waits
   * for that thread, which has the failure (the runner queues it before the state turns FAILED).
   */
  static final class DirectWait {
    private final PipelineResult result;
    private final CompletableFuture<PipelineResult.State> waited = new CompletableFuture<>();

    DirectWait(PipelineResult result) {
      this.result = result;
      Thread waiter =
          new Thread(
              () -> {
                try {
                  waited.complete(result.waitUntilFinish());
                } catch (Throwable e) {
                  waited.completeExceptionally(e);
                }
              },
              "forkline-await");
      waiter.setDaemon(true);
      waiter.start();
    }

    /** The run's state, terminal as soon as it ends, or after {@code tick} if it has not. */
    PipelineResult.State await(Duration tick) {
      long until = System.nanoTime() + tick.toNanos();
      while (true) {
        if (waited.isDone()) {
          return join();
        }
        PipelineResult.State state = result.getState();
        if (state == PipelineResult.State.DONE) {
          return state;
        }
        if (state.isTerminal()) {
          return join();
        }
        long left = until - System.nanoTime();
        if (left <= 0) {
          return state;
        }
        try {
          waited.get(Math.min(left, 1_000_000L), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
          // not ended yet, or ended with an exception: the next turn reads it
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // as the runner's own wait does: give up waiting
          throw new PipelineFailedException("interrupted while waiting for the pipeline", e);
        }
      }
    }

    private PipelineResult.State join() {
      try {
        return waited.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException cause) {
          throw cause;
        }
        if (e.getCause() instanceof Error cause) {
          throw cause;
        }
        throw e;
      }
    }
  }

  private static PipelineOptions pipelineOptions(
      PipelineDefinition definition, ForklineConfig config, RunOptions options) {
    String jobName = "forkline-" + config.pipeline().configName();
    if (!Runners.DIRECT.equals(options.runner())) {
      String bad = Runners.checkMaster(options.runner(), options.master());
      if (bad != null) {
        throw new UnsupportedPipelineException(bad);
      }
      ClusterRunner runner = Runners.require(options.runner());
      LOG.info("running on {}", runner.describe(options.master()));
      PipelineOptions cluster = runner.options(jobName, options.master());
      cluster.setStableUniqueNames(PipelineOptions.CheckEnabled.ERROR);
      return cluster;
    }
    if (options.master() != null) {
      throw new UnsupportedPipelineException(
          "the Direct runner runs in this JVM and takes no master; use --runner flink or spark");
    }
    DirectOptions direct = PipelineOptionsFactory.as(DirectOptions.class);
    direct.setRunner(DirectRunner.class);
    direct.setBlockOnRun(false);
    direct.setEnforceImmutability(options.strictChecks());
    direct.setEnforceEncodability(options.strictChecks());
    direct.setJobName(jobName);
    direct.setStableUniqueNames(PipelineOptions.CheckEnabled.ERROR);
    int threads = definition.directParallelism(config);
    if (threads > 0) {
      direct.setTargetParallelism(threads);
    }
    return direct;
  }

  private static void writeEmptyTable(PipelineDefinition definition, Path file) {
    try {
      Files.createDirectories(file.getParent());
      PartWriter.at(file, definition.schema()).finish();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write an empty table to " + file, e);
    }
  }

  /**
   * Moves the finished table over the previous one in a single rename where possible: forced to the
   * disk first, and its folder after, so the journal is deleted only once the table is durable.
   */
  private static void publish(Path written, Path table) throws DiskFullException {
    try {
      if (!Files.isRegularFile(written)) {
        throw new PipelineFailedException("the pipeline finished without writing " + written, null);
      }
      Durable.sync(written);
      try {
        Files.move(
            written, table, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(written, table, StandardCopyOption.REPLACE_EXISTING);
      }
      Durable.syncFolder(table.getParent());
    } catch (DiskFullException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the finished table to " + table, e);
    }
  }

  /**
   * Deletes what runs leave in the output folder: staging folders of runs that were killed and
   * Beam's temp folders. Safe only under the output lock.
   */
  private static void removeLeftovers(Path output) {
    try (Stream<Path> children = Files.list(output)) {
      children
          .filter(
              p -> {
                String name = p.getFileName().toString();
                return name.startsWith(STAGING_PREFIX) || name.startsWith(".temp-beam");
              })
          .forEach(ForklineRunner::deleteRecursively);
    } catch (IOException e) {
      LOG.debug("could not tidy {}: {}", output, e.toString());
    }
  }

  static void deleteRecursively(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debug("could not delete {}: {}", path, e.toString());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** Drops the rows whose key is in a set: table rows that a journal has newer rows for. */
  static final class DropKeysFn extends DoFn<GenericRecord, GenericRecord> {
    private final String keyField;
    private final java.util.HashSet<String> keys;

    DropKeysFn(String keyField, java.util.Set<String> keys) {
      this.keyField = keyField;
      this.keys = new java.util.HashSet<>(keys);
    }

    @ProcessElement
    public void process(@Element GenericRecord row, OutputReceiver<GenericRecord> out) {
      if (!keys.contains(String.valueOf(row.get(keyField)))) {
        out.output(row);
      }
    }
  }
}
