package dev.forkline.pipelines.bench;

import dev.forkline.pipelines.config.ConfigException;
import dev.forkline.pipelines.config.ConfigLoader;
import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.image.ImageStageBench;
import dev.forkline.pipelines.run.ForklineRunner;
import dev.forkline.pipelines.run.MetricsSnapshot;
import dev.forkline.pipelines.run.RunOptions;
import dev.forkline.pipelines.run.RunResult;
import dev.forkline.pipelines.scrape.FetchStageBench;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * One timed run of a config in this JVM on the Direct runner, the whole pipeline or one stage
 * alone, with the CPU time and peak memory of the driver and its worker JVMs.
 */
final class TimedRun {
  /** What a run did and cost: elements (ok + failed), of which failed, wall seconds, usage. */
  record Measured(long elements, long failed, double wall, ProcStats.Usage usage) {}

  private record Counts(long ok, long failed) {}

  private final Path work;

  /** Runs write their output in {@code work}, in a folder per config and tag. */
  TimedRun(Path work) {
    this.work = work;
  }

  /**
   * Runs {@code config} with the settings {@code sets}; {@code stageOnly}: only {@code stage}
   * (fetch or transform); {@code exclude}: child processes that are not the run's (the site).
   */
  Measured once(
      Path config,
      List<String> sets,
      Set<Long> exclude,
      boolean stageOnly,
      String stage,
      String tag)
      throws ConfigException, InterruptedException {
    List<String> all = new ArrayList<>(sets);
    all.add("output=" + work.resolve("out-" + config.getFileName() + "-" + tag).toAbsolutePath());
    ForklineConfig loaded = ConfigLoader.load(config, all, Path.of(""));
    System.gc();
    Thread.sleep(200);
    ProcStats.Sampler sampler = ProcStats.start(exclude, 50);
    long start = System.nanoTime();
    Counts counts;
    try {
      counts = stageOnly ? stage(loaded, stage) : pipeline(loaded);
    } catch (RuntimeException e) {
      sampler.close();
      throw e;
    }
    double wall = (System.nanoTime() - start) / 1e9;
    // worker JVMs end just after the run: give the sampler a last look at them
    ProcStats.Usage usage = sampler.stop();
    awaitNoWorkers(exclude);
    return new Measured(counts.ok() + counts.failed(), counts.failed(), wall, usage);
  }

  /** The stage alone; elements the stage did not finish count as failed. */
  private static Counts stage(ForklineConfig loaded, String stage) {
    DirectOptions direct = PipelineOptionsFactory.as(DirectOptions.class);
    direct.setRunner(DirectRunner.class);
    direct.setEnforceImmutability(false);
    direct.setEnforceEncodability(false);
    // One bundle in flight: as the pipelines do, keep the Direct runner's idle threads from
    // spinning its driver loop (PipelineDefinition.directParallelism).
    direct.setTargetParallelism(1);
    Pipeline pipeline = Pipeline.create(direct);
    if (stage.equals("fetch")) {
      FetchStageBench.expand(pipeline, loaded);
    } else {
      ImageStageBench.expand(pipeline, loaded);
    }
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    MetricsSnapshot m = MetricsSnapshot.of(result, true);
    long ok = m.stageOk(stage);
    long failed = m.stageFailed(stage) + (m.inputs() - m.stageOk(stage) - m.stageFailed(stage));
    return new Counts(ok, failed);
  }

  /** The whole pipeline, as {@code forkline run} runs it. */
  private static Counts pipeline(ForklineConfig loaded) {
    RunResult r =
        ForklineRunner.run(
            loaded, new RunOptions("direct", false, false, null, false, Duration.ofSeconds(1)));
    return new Counts(r.metrics().rowsOk(), r.metrics().rowsFailed());
  }

  private static void awaitNoWorkers(Set<Long> exclude) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline
        && ProcessHandle.current().children().anyMatch(p -> !exclude.contains(p.pid()))) {
      Thread.sleep(50);
    }
  }
}
