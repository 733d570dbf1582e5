package dev.forkline.pipelines.run;

import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.exec.LiveCounters;
import dev.forkline.pipelines.exec.StageMetrics;
import dev.forkline.pipelines.files.DiskFullException;
import dev.forkline.pipelines.table.TableWrite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.PCollection;
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
      OutputFolder.removeLeftovers(output);
      Path staging = output.resolve(OutputFolder.STAGING_PREFIX + UUID.randomUUID());
      Thread cleanup =
          new Thread(() -> OutputFolder.deleteRecursively(staging), "forkline-cleanup");
      Runtime.getRuntime().addShutdownHook(cleanup);
      try (AutoCloseable beside = prepare(definition, config)) {
        return runLocked(definition, config, options, staging);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new PipelineFailedException("stopping what ran beside the pipeline failed", e);
      } finally {
        OutputFolder.deleteRecursively(staging);
        OutputFolder.removeLeftovers(output);
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
    Journal.Recovered recovered =
        options.resume() && Journal.exists(output)
            ? ResumedRun.recover(output, schema, keyField, staging, table, hasTable)
            : null;
    boolean resume = options.resume() && (hasTable || recovered != null);
    if (options.resume() && !resume) {
      LOG.info("--resume: no earlier table at {}; processing every input", table);
    }
    Pipeline pipeline = Pipeline.create(pipelineOptions(definition, config, options));
    Journal.Target journal = Journal.Target.of(output, schema);
    RunContext context =
        new RunContext(
            config,
            null,
            staging.resolve("scratch"),
            journal,
            TableWrite.partsFolder(staging),
            null);
    PCollection<String> parts =
        resume
            ? ResumedRun.expand(
                pipeline,
                definition,
                config,
                hasTable ? table : null,
                earlierColumns,
                recovered,
                context,
                staging)
            : definition.expand(pipeline, context);
    parts.apply("Write table", TableWrite.mergeInto(staging, definition.tableName()));
    return execute(pipeline, definition, config, options, staging, journal, resume && hasTable);
  }

  /** Runs the built pipeline and publishes its table; {@code readTable}: it read the last one. */
  private static RunResult execute(
      Pipeline pipeline,
      PipelineDefinition definition,
      ForklineConfig config,
      RunOptions options,
      Path staging,
      Journal.Target journal,
      boolean readTable) {
    Path output = config.output();
    String tableName = definition.tableName();
    Path table = output.resolve(tableName);
    Schema schema = definition.schema();
    String keyField = definition.keyField();
    LiveCounters.reset();
    long start = System.nanoTime();
    java.time.Instant startedAt = java.time.Instant.now();
    RunSamples samples = new RunSamples(config.stages().keySet(), start);
    PipelineResult result = null;
    try {
      ClusterRunner runner = clusterRunner(options);
      result = runner == null ? pipeline.run() : runner.track(pipeline.run());
      MetricsSnapshot last = RunWait.await(result, config, options, start, samples);
      Duration wall = Duration.ofNanos(System.nanoTime() - start);
      Path written = staging.resolve(tableName);
      if (!Files.exists(written) && last.rowsOk() + last.rowsFailed() == 0) {
        // TableWrite writes no file for an empty input; an empty table is still the right answer.
        OutputFolder.writeEmptyTable(definition, written);
      }
      Journal.close(journal.run());
      OutputFolder.publish(written, table);
      Journal.delete(output); // the table holds every row now
      if (runner != null) {
        last = last.withRows(TableTally.of(table)); // a task run again is counted twice
      }
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
        blameEarlierTable(readTable, table);
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

  private static ClusterRunner clusterRunner(RunOptions options) {
    return Runners.DIRECT.equals(options.runner()) ? null : Runners.find(options.runner());
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

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
