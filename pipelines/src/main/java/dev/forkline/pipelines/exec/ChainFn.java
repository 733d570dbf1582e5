package dev.forkline.pipelines.exec;

import dev.forkline.pipelines.files.DiskFullException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/** Submits each element to its stages' executors and emits it when it has been through all. */
final class ChainFn<T extends Tracked<T>> extends DoFn<T, T> {
  private final String id;
  private final List<Stage<T>> stages;
  private transient List<CallExecutor<T, T>> executors;
  private transient StageMetrics[] metrics;
  private transient Permits permits;
  private transient Counter chainDone;
  private transient AsyncBundle<T, ChainJob<T>> bundle;
  private transient long bundleTimeoutNanos;
  private transient boolean keyedFirst;

  private final int waitingRoom;
  private final int accepted;
  private final int acceptedPerKey;
  private final RowSink<T> rows;
  private final TupleTag<T> elementsTag;

  ChainFn(
      String id,
      List<Stage<T>> stages,
      int waitingRoom,
      int accepted,
      int acceptedPerKey,
      RowSink<T> rows,
      TupleTag<T> elementsTag) {
    this.id = id;
    this.stages = stages;
    this.waitingRoom = waitingRoom;
    this.accepted = accepted;
    this.acceptedPerKey = acceptedPerKey;
    this.rows = rows;
    this.elementsTag = elementsTag;
  }

  @Setup
  public void setup() throws Exception {
    executors = new ArrayList<>();
    metrics = new StageMetrics[stages.size()];
    try {
      for (int i = 0; i < stages.size(); i++) {
        Stage<T> stage = stages.get(i);
        metrics[i] = new StageMetrics(stage.name());
        executors.add(
            Shared.acquire(
                id + "/" + stage.name(),
                () ->
                    new CallExecutor<>(
                        stage.name(),
                        StageCalls.executableCall(stage),
                        stage.keyFn(),
                        stage.keyResolver(),
                        StageCalls.settingsOf(stage))));
      }
      permits =
          Shared.acquire(
              id + "/permits",
              () ->
                  new Permits(
                      StageChain.inFlightBound(stages) + waitingRoom, accepted, acceptedPerKey));
      chainDone = StageMetrics.counter(StageMetrics.CHAIN_DONE);
      for (Stage<T> stage : stages) {
        PoolPrewarm.end(id + "/" + stage.name());
      }
    } catch (Exception e) {
      teardown();
      throw e;
    }
    bundle = new AsyncBundle<>(String.join(", ", stages.stream().map(Stage::name).toList()));
    bundleTimeoutNanos = StageChain.bundleTimeout(stages).toNanos();
    keyedFirst = stages.get(0).keyFn() != null && !executors.get(0).settings().inline();
  }

  @StartBundle
  public void startBundle() throws java.io.IOException {
    bundle.reset();
    if (rows != null) {
      rows.abandonBundle(); // what a failed bundle left, should this instance be used again
    }
  }

  @ProcessElement
  public void process(
      @Element T element,
      @Timestamp Instant timestamp,
      BoundedWindow window,
      MultiOutputReceiver out)
      throws InterruptedException {
    ChainJob<T> job = new ChainJob<>(element, stages.size());
    Semaphore taken;
    String key = null;
    if (keyedFirst) {
      key = stages.get(0).keyFn().apply(element);
      if (key != null) {
        permits.enterKey(key);
      }
      taken = permits.accepted;
      job.admission = new PermitAdmission(permits.semaphore);
    } else {
      taken = permits.semaphore;
    }
    String acceptedKey = key;
    CompletableFuture<ChainJob<T>> result;
    try {
      taken.acquire();
      try {
        result = start(job);
      } catch (RuntimeException e) {
        taken.release();
        throw e;
      }
    } catch (InterruptedException | RuntimeException e) {
      if (job.admission != null) {
        job.admission.end();
      }
      if (acceptedKey != null) {
        permits.exitKey(acceptedKey);
      }
      throw e;
    }
    result.whenComplete(
        (j, t) -> {
          if (job.admission != null) {
            job.admission.end();
          }
          taken.release();
          if (acceptedKey != null) {
            permits.exitKey(acceptedKey);
          }
        });
    AsyncBundle.Pending<T, ChainJob<T>> pending =
        new AsyncBundle.Pending<>(element, timestamp, window, result);
    pending.context = job;
    bundle.add(pending);
    bundle.emitReady(window, timestamp, p -> emit(p.result(), out.get(elementsTag), p.timestamp));
    report();
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext context) throws InterruptedException {
    bundle.finish(
        bundleTimeoutNanos,
        this::cancel,
        p -> {
          ChainJob<T> job = p.result();
          count(job);
          if (rows == null) {
            context.output(elementsTag, job.current, p.timestamp, p.window);
          }
        });
    if (rows != null) {
      String part;
      try {
        part = rows.finishBundle();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(
            "cannot finish the bundle's part of the table: " + e.getMessage(), e);
      }
      if (part != null) {
        context.output(
            StageChain.PARTS, part, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
      }
    }
    report();
  }

  @Teardown
  public void teardown() {
    if (rows != null) {
      try {
        rows.abandonBundle(); // a bundle that failed: its part is never merged
      } catch (java.io.IOException e) {
        // the part stays in the staging folder, which the run deletes
      }
    }
    if (executors != null) {
      for (int i = 0; i < executors.size(); i++) {
        Shared.release(id + "/" + stages.get(i).name());
      }
      executors = null;
    }
    if (permits != null) {
      Shared.release(id + "/permits");
      permits = null;
    }
  }

  private CompletableFuture<ChainJob<T>> start(ChainJob<T> job) {
    CompletableFuture<ChainJob<T>> chain = CompletableFuture.completedFuture(job);
    for (int i = 0; i < stages.size(); i++) {
      int index = i;
      chain =
          chain.thenCompose(
              j ->
                  j.current.failure() != null
                      ? CompletableFuture.completedFuture(j)
                      : runStage(index, j));
    }
    CompletableFuture<ChainJob<T>> result = new CompletableFuture<>();
    chain.whenComplete(
        (j, error) -> {
          if (error == null) {
            result.complete(j);
          } else {
            int at = Math.max(0, job.runningStage);
            result.complete(
                job.endedWith(
                    at,
                    stages.get(at).name(),
                    FailureKind.INTERNAL.label(),
                    "bug in forkline: " + CallExecutor.describe(unwrap(error))));
          }
        });
    return result;
  }

  private CompletableFuture<ChainJob<T>> runStage(int index, ChainJob<T> job) {
    CallExecutor<T, T> executor = executors.get(index);
    String name = stages.get(index).name();
    job.runningStage = index;
    if (executor.settings().inline()) {
      Outcome<T> outcome;
      try {
        outcome = executor.runInline(job.current);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        outcome = Outcome.failed("cancelled", "interrupted: the run is stopping", 0, 0, 0);
      }
      return CompletableFuture.completedFuture(job.after(index, name, outcome));
    }
    CompletableFuture<Outcome<T>> submitted =
        index == 0 && job.admission != null
            ? executor.submit(job.current, job.admission)
            : executor.submit(job.current);
    job.running = submitted;
    return submitted.thenApply(outcome -> job.after(index, name, outcome));
  }

  /** At the bundle's deadline: fail the element in the stage it is in and stop its call. */
  @SuppressWarnings("unchecked")
  private void cancel(AsyncBundle.Pending<T, ChainJob<T>> pending) {
    String message =
        "not finished after no element of its bundle finished for "
            + CallExecutor.human(bundleTimeoutNanos);
    ChainJob<T> job = findJob(pending);
    int at = job == null ? 0 : Math.max(0, job.runningStage);
    if (job != null && job.running != null) {
      executors.get(at).cancel((CompletableFuture<Outcome<T>>) job.running, message);
    }
    ChainJob<T> ended =
        job == null
            ? new ChainJob<>(pending.input, stages.size())
                .endedWith(0, stages.get(0).name(), FailureKind.TIMEOUT.label(), message)
            : job.endedWith(at, stages.get(at).name(), FailureKind.TIMEOUT.label(), message);
    pending.future.complete(ended);
  }

  @SuppressWarnings("unchecked")
  private ChainJob<T> findJob(AsyncBundle.Pending<T, ChainJob<T>> pending) {
    return (ChainJob<T>) pending.context;
  }

  private void emit(ChainJob<T> job, OutputReceiver<T> out, Instant timestamp) {
    count(job);
    if (rows == null) {
      out.outputWithTimestamp(job.current, timestamp);
    }
  }

  private void count(ChainJob<T> job) {
    Failure failure = job.current.failure();
    if (failure != null && FailureKind.DISK_FULL.is(failure.kind())) {
      throw new java.io.UncheckedIOException(new DiskFullException(failure.message()));
    }
    chainDone.inc();
    if (rows != null) {
      try {
        rows.accept(job.current);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(
            "cannot write a finished element's row: " + e.getMessage(), e);
      }
    }
    for (int i = 0; i < stages.size(); i++) {
      if (job.outcomes[i] != null) {
        metrics[i].finished(job.outcomes[i]);
      }
    }
  }

  private void report() {
    for (int i = 0; i < stages.size(); i++) {
      metrics[i].inFlight(executors.get(i).inFlight());
      executors.get(i).call().reportMetrics(metrics[i]);
    }
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
