package dev.forkline.pipelines.bench;

import dev.forkline.pipelines.exec.Attempt;
import dev.forkline.pipelines.exec.Threaded;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;

/**
 * The threaded executor against Little's law: N calls that each block for a fixed time, on T
 * threads, can take no less than N × latency / T. Runs the {@link Threaded} transform on the Direct
 * runner and reports the span from the first call's start to the last call's end (the executor's
 * own time) and the whole pipeline's wall time, then the same calls inline.
 *
 * <pre>
 * java -cp 'pipelines/target/forkline.jar:pipelines/target/lib/*' \
 *     dev.forkline.pipelines.bench.ThreadedBenchmark [calls] [latency-ms] [threads]
 * </pre>
 */
public final class ThreadedBenchmark {
  static final AtomicLong FIRST_START = new AtomicLong(Long.MAX_VALUE);
  static final AtomicLong LAST_END = new AtomicLong();

  private ThreadedBenchmark() {}

  public static void main(String[] args) {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int latencyMillis = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    double bound = calls * latencyMillis / 1000.0 / threads;
    System.out.printf(
        Locale.ROOT,
        "%d calls of %d ms; Little's-law bound on %d threads: %.3f s%n",
        calls,
        latencyMillis,
        threads,
        bound);
    run("warm-up", calls / 4, latencyMillis, threads, false);
    double[] threaded = run("threads", calls, latencyMillis, threads, false);
    System.out.printf(
        Locale.ROOT,
        "threads (%d): span %.3f s (bound/span %.2f), pipeline %.3f s%n",
        threads,
        threaded[0],
        bound / threaded[0],
        threaded[1]);
    double[] inline = run("inline", calls, latencyMillis, threads, true);
    System.out.printf(
        Locale.ROOT,
        "inline: span %.3f s, pipeline %.3f s; threads/inline speed-up %.1fx (span), %.1fx"
            + " (pipeline)%n",
        inline[0],
        inline[1],
        inline[0] / threaded[0],
        inline[1] / threaded[1]);
  }

  /** Emits 0 to n - 1 for an element n: the calls of one run. */
  static final class ListFn extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(@Element Integer n, OutputReceiver<Integer> out) {
      for (int i = 0; i < n; i++) {
        out.output(i);
      }
    }
  }

  /** Returns {span seconds, pipeline seconds}. */
  private static double[] run(
      String name, int calls, int latencyMillis, int threads, boolean inline) {
    FIRST_START.set(Long.MAX_VALUE);
    LAST_END.set(0);
    DirectOptions options = PipelineOptionsFactory.as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    options.setEnforceImmutability(false);
    options.setEnforceEncodability(false);
    options.setTargetParallelism(1); // one bundle in flight; idle runner threads would spin
    Pipeline pipeline = Pipeline.create(options);
    Threaded<Integer, Integer> sleep =
        Threaded.<Integer, Integer>of(
                (Integer x, Attempt a) -> {
                  FIRST_START.accumulateAndGet(System.nanoTime(), Math::min);
                  Thread.sleep(latencyMillis);
                  LAST_END.accumulateAndGet(System.nanoTime(), Math::max);
                  return x;
                })
            .withStageName("sleep")
            .withThreads(threads)
            .withOutputCoder(VarIntCoder.of());
    if (inline) {
      sleep = sleep.inline();
    }
    // The calls come from one listing step, as a pipeline's inputs do (ListFilesFn, ReadListsFn),
    // not from Create.of(list): the Direct runner reads a Create in bundles of about a hundred,
    // and every bundle end waits for its calls, which measures Create's bundling, not the executor.
    pipeline
        .apply("Count", Create.of(calls).withCoder(VarIntCoder.of()))
        .apply("List calls", ParDo.of(new ListFn()))
        .setCoder(VarIntCoder.of())
        .apply(name, sleep);
    long start = System.nanoTime();
    pipeline.run().waitUntilFinish();
    long end = System.nanoTime();
    return new double[] {(LAST_END.get() - FIRST_START.get()) / 1e9, (end - start) / 1e9};
  }
}
