package dev.forkline.pipelines.exec;

import java.time.Duration;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;

/**
 * Runs a CPU kernel on each element in long-lived worker JVMs that the pipeline starts itself, so a
 * crash, hang or out-of-memory error kills one worker, which is replaced, never the run.
 *
 * <pre>{@code
 * WithFailures.Result<PCollection<Thumb>, CallFailure<Image>> thumbs =
 *     images.apply("Thumbnail", ProcessPool.of(new ThumbnailCall())
 *         .withStageName("thumbnail")
 *         .withWorkers(2)
 *         .withHeap(512L << 20)
 *         .withTimeout(Duration.ofSeconds(60)));
 * }</pre>
 *
 * <p>The pool is one per JVM and pool key (kernel, heap, flags), shared by every DoFn instance and
 * started in {@code @Setup}, so the first element does not wait for a JVM to start. Each worker has
 * a small window of tasks in flight and new tasks go to the least busy one. Outcomes are typed:
 * {@code task-error} (the kernel threw; the worker lives), {@code crash}, {@code timeout} and
 * {@code oom}; crashes and timeouts are retried on a fresh worker up to {@link #withRetries} times,
 * an out-of-memory death is not (the same task would run out again).
 *
 * <p>This is {@link Threaded} with the call "send the task to a worker and wait": both run as a
 * one-stage {@link StageChain}, the engine of forkline's own pipelines.
 *
 * <p>On the Direct runner, give {@code DirectOptions.setTargetParallelism} the number of bundles
 * you expect in flight (often 1): the runner's driver loop spins a core on every idle runner
 * thread, and this transform blocks its thread while its bundle's calls run, so a matching count
 * keeps that core for the calls (forkline's own pipelines do so).
 */
public final class ProcessPool<I, O>
    extends PTransform<PCollection<I>, WithFailures.Result<PCollection<O>, CallFailure<I>>> {
  /** Tasks in flight per worker: one running, one ready, so a worker never waits for work. */
  public static final int DEFAULT_WINDOW = 2;

  private final RemoteCall<I, O> call;
  private final String stage;
  private final PoolSettings settings;
  private final Coder<O> outputCoder;

  private ProcessPool(
      RemoteCall<I, O> call, String stage, PoolSettings settings, Coder<O> outputCoder) {
    this.call = call;
    this.stage = stage;
    this.settings = settings;
    this.outputCoder = outputCoder;
  }

  /**
   * A pool for {@code call}: one worker per core, 256 MB heap each, 60 s per task, 2 retries after
   * a worker dies, none after a kernel exception, workers never recycled.
   */
  public static <I, O> ProcessPool<I, O> of(RemoteCall<I, O> call) {
    if (call == null) {
      throw new IllegalArgumentException("ProcessPool.of needs a call");
    }
    return new ProcessPool<>(call, "pool", PoolSettings.defaults(), null);
  }

  public ProcessPool<I, O> withStageName(String stage) {
    Threaded.of(call).withStageName(stage); // validates the name
    return new ProcessPool<>(call, stage, settings, outputCoder);
  }

  /** Worker JVMs in the pool. */
  public ProcessPool<I, O> withWorkers(int workers) {
    return with(settings.withWorkers(workers));
  }

  /** Each worker's maximum heap ({@code -Xmx}); a worker that runs out exits and is replaced. */
  public ProcessPool<I, O> withHeap(long bytes) {
    return with(settings.withHeap(bytes));
  }

  /** Extra flags for the worker JVMs (for example {@code -XX:+UseParallelGC}). */
  public ProcessPool<I, O> withJvmFlags(List<String> flags) {
    return with(settings.withJvmFlags(flags));
  }

  /** Tasks in flight per worker. */
  public ProcessPool<I, O> withWindow(int window) {
    return with(settings.withWindow(window));
  }

  /** Replace a worker after this many tasks (0: never), against leaks in native code or caches. */
  public ProcessPool<I, O> withMaxTasksPerWorker(int tasks) {
    return with(settings.withMaxTasksPerWorker(tasks));
  }

  /** The deadline of one task on a worker; past it the worker is killed and replaced. */
  public ProcessPool<I, O> withTimeout(Duration timeout) {
    return with(settings.withTimeout(timeout));
  }

  /** Re-runs of an element whose worker crashed, hung or ran out of memory. */
  public ProcessPool<I, O> withRetries(int retries) {
    return with(settings.withRetries(retries));
  }

  /** Re-runs of an element whose kernel threw (default 0: a kernel error is usually the input). */
  public ProcessPool<I, O> withTaskErrorRetries(int retries) {
    return with(settings.withTaskErrorRetries(retries));
  }

  public ProcessPool<I, O> withOutputCoder(Coder<O> coder) {
    return new ProcessPool<>(call, stage, settings, coder);
  }

  private ProcessPool<I, O> with(PoolSettings changed) {
    return new ProcessPool<>(call, stage, changed, outputCoder);
  }

  /** The executor settings of a pool stage: a waiting thread per task the workers can hold. */
  static CallSettings callSettings(PoolSettings pool) {
    return CallSettings.defaults()
        .withThreads(pool.workers() * pool.window())
        .withTimeout(pool.worstCase())
        .withRetries(0);
  }

  @Override
  public WithFailures.Result<PCollection<O>, CallFailure<I>> expand(PCollection<I> input) {
    Stage<CallState<I, O>> one =
        Stage.<CallState<I, O>>of(stage, CallState.kernelCall(call)).onProcesses(settings);
    return Threaded.run(
        input, one, outputCoder != null ? outputCoder : Threaded.of(call).inferOutputCoder(input));
  }
}
