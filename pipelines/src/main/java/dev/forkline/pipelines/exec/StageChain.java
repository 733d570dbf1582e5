package dev.forkline.pipelines.exec;

import dev.forkline.pipelines.files.DiskFullException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;

/**
 * Runs each element through a pipeline's stages in order, each stage on its own executor from the
 * config: {@code threads} (a {@link CallExecutor} shared by the stage in the JVM), {@code
 * processes} (a pool of worker JVMs, see {@link ProcessPool}) or {@code inline} (in the thread that
 * hands the element over). Failures are data: a failed stage marks the element failed, later stages
 * pass it through, and every input comes out exactly once.
 *
 * <pre>{@code
 * tasks.apply(StageChain.of(read, transform, write));
 * }</pre>
 *
 * <p>The stages of one element run back to back inside one Beam step rather than as one step each:
 * payloads (file bytes, encoded images) then live only while their element is in flight. The Direct
 * runner materialises every step's whole output before the next step runs, so separate steps held a
 * folder's worth of image bytes in memory at once. Elements in flight are bounded per chain in the
 * JVM (enough to keep every stage's executor busy); a full chain blocks its input.
 */
public final class StageChain<T extends Tracked<T>>
    extends PTransform<PCollection<T>, PCollection<T>> {
  private final List<Stage<T>> stages;
  private final int waitingRoom;
  private final int accepted;
  private final int acceptedPerKey;
  private final TupleTag<T> elementsTag = new TupleTag<>("elements");

  /** The tag of the table parts' paths, the output of a chain with a row sink. */
  static final TupleTag<String> PARTS = new TupleTag<>("parts");

  private StageChain(List<Stage<T>> stages, int waitingRoom, int accepted, int acceptedPerKey) {
    super("Run " + stages.stream().map(Stage::name).collect(Collectors.joining(", ")));
    this.stages = List.copyOf(stages);
    this.waitingRoom = waitingRoom;
    this.accepted = accepted;
    this.acceptedPerKey = acceptedPerKey;
  }

  /**
   * Room for {@code elements} more in flight than the stages' calls: elements that finished a stage
   * and wait for the next one's executor, so that the first stage keeps working meanwhile. For a
   * chain whose first stage finishes in bursts (fetches with one latency finish together and wait
   * for a few parse threads), give it that stage's concurrency. Without it (the default, 0), those
   * waiting elements held the permits new fetches needed: 2,000 pages at 64 in flight ran at 88 to
   * 91 % of the Little's-law bound, and at 94 to 95 % with a room of 64. Every permit may hold an
   * element's payload, so a chain that carries file bytes keeps the default.
   */
  public StageChain<T> withWaitingRoom(int elements) {
    if (elements < 0) {
      throw new IllegalArgumentException(
          "a waiting room holds 0 or more elements, not " + elements);
    }
    return new StageChain<>(stages, elements, accepted, acceptedPerKey);
  }

  /**
   * For a chain whose first stage is keyed: how many elements it accepts in a JVM ({@code total},
   * default {@value #ACCEPTED}) and of one key ({@code perKey}, default {@value
   * #ACCEPTED_PER_KEY}). Elements waiting for their key hold one of these, not an in-flight permit;
   * the bundle that brings more of a key than {@code perKey} waits, so one key's backlog (a slow
   * host's) never takes what other bundles' keys need.
   */
  StageChain<T> withAccepted(int total, int perKey) {
    if (perKey < 1 || total < perKey) {
      throw new IllegalArgumentException(
          "accepted elements: 1 or more per key and at least as many in all, not "
              + total
              + " and "
              + perKey);
    }
    return new StageChain<>(stages, waitingRoom, total, perKey);
  }

  /**
   * This chain, writing each element's row into a part file of its bundle ({@code rows}) the moment
   * the element leaves the stages, instead of outputting the elements; outputs the parts' paths,
   * for {@code TableWrite.mergeInto}. The input must be in the global window.
   */
  public ToTable<T> toTable(RowSink<T> rows) {
    if (rows == null) {
      throw new IllegalArgumentException("toTable needs a row sink");
    }
    return new ToTable<>(this, rows);
  }

  /** A {@link StageChain} that writes its rows itself: see {@link StageChain#toTable}. */
  public static final class ToTable<T extends Tracked<T>>
      extends PTransform<PCollection<T>, PCollection<String>> {
    private final StageChain<T> chain;
    private final RowSink<T> rows;

    private ToTable(StageChain<T> chain, RowSink<T> rows) {
      super(chain.getName() + " into table parts");
      this.chain = chain;
      this.rows = rows;
    }

    @Override
    public PCollection<String> expand(PCollection<T> input) {
      if (!input.getWindowingStrategy().getWindowFn().isCompatible(new GlobalWindows())) {
        throw new IllegalArgumentException(
            "a stage chain writes table parts only from the global window, not "
                + input.getWindowingStrategy().getWindowFn());
      }
      return chain.run(input, rows).get(PARTS);
    }
  }

  /** A chain of configured stages, in data-flow order. */
  @SafeVarargs
  public static <T extends Tracked<T>> StageChain<T> of(Stage<T>... stages) {
    if (stages.length == 0) {
      throw new IllegalArgumentException("a stage chain needs at least one stage");
    }
    for (Stage<T> stage : stages) {
      if (stage.config() == null) {
        throw new IllegalArgumentException(
            "stage " + stage.name() + ": call withConfig(...) before chaining it");
      }
      if (stage.config().executor() == Executor.PROCESSES
          && !(stage.call() instanceof KernelCall)) {
        throw new IllegalArgumentException(
            "stage " + stage.name() + " has no kernel, so it cannot run on processes");
      }
    }
    return new StageChain<>(List.of(stages), 0, ACCEPTED, ACCEPTED_PER_KEY);
  }

  @Override
  public PCollection<T> expand(PCollection<T> input) {
    return run(input, null).get(elementsTag);
  }

  /** Runs the stages; outputs the elements, or (with a row sink) the table parts' paths. */
  private PCollectionTuple run(PCollection<T> input, RowSink<T> rows) {
    String id = "chain-" + UUID.randomUUID();
    if (runsInThisJvm(input)) {
      for (Stage<T> stage : stages) {
        if (stage.config().executor() == Executor.PROCESSES) {
          String kernel = ((KernelCall<T>) stage.call()).kernel();
          PoolPrewarm.start(id + "/" + stage.name(), poolSettings(stage.config()).spec(kernel));
        }
      }
    }
    PCollectionTuple out =
        input.apply(
            "Stages",
            ParDo.of(
                    new ChainFn<>(
                        id, stages, waitingRoom, accepted, acceptedPerKey, rows, elementsTag))
                .withOutputTags(elementsTag, TupleTagList.of(PARTS)));
    out.get(elementsTag).setCoder(input.getCoder());
    out.get(PARTS).setCoder(StringUtf8Coder.of());
    return out;
  }

  private static boolean runsInThisJvm(PCollection<?> input) {
    return input.getPipeline().getOptions().getRunner().getSimpleName().equals("DirectRunner");
  }

  /** The executor settings of a stage from its config. */
  static CallSettings callSettings(StageConfig config) {
    CallSettings base =
        CallSettings.defaults().withTimeout(config.timeout()).withRetries(config.retries());
    return switch (config.executor()) {
      case INLINE -> base.withInline(true);
      case THREADS -> base.withThreads(config.threads());
      case PROCESSES -> ProcessPool.callSettings(poolSettings(config));
    };
  }

  /** A stage's call settings: its config's, plus its per-key limit if it has one. */
  static CallSettings settingsOf(Stage<?> stage) {
    CallSettings settings = callSettings(stage.config());
    return stage.keyFn() == null
        ? settings
        : settings.withPerKeyLimit(stage.perKeyLimit(), stage.perKeyDelay());
  }

  static PoolSettings poolSettings(StageConfig config) {
    return PoolSettings.builder()
        .setWorkers(config.workers())
        .setHeapBytes(config.heapBytes())
        .setMaxTasksPerWorker(config.maxTasksPerWorker())
        .setTaskTimeout(config.timeout())
        .setCrashRetries(config.retries())
        .build();
  }

  private static <T extends Tracked<T>> BlockingCall<T, T> executableCall(Stage<T> stage) {
    if (stage.config().executor() == Executor.PROCESSES) {
      return new PoolCall<>(
          new CopyingKernelCall<>((KernelCall<T>) stage.call()), poolSettings(stage.config()));
    }
    return stage.call() instanceof KernelCall<T> kernel
        ? new CopyingKernelCall<>(kernel)
        : new CopyingCall<>(stage.call());
  }

  /** Elements one chain keeps in flight in a JVM: enough for every executor to be busy. */
  static int inFlightBound(List<? extends Stage<?>> stages) {
    int bound = 1;
    for (Stage<?> stage : stages) {
      CallSettings settings = callSettings(stage.config());
      bound += settings.inline() ? 0 : settings.concurrency();
    }
    return bound;
  }

  /** How long the end of a bundle waits for its elements: every stage's deadline, four times. */
  static Duration bundleTimeout(List<? extends Stage<?>> stages) {
    Duration total = Duration.ZERO;
    for (Stage<?> stage : stages) {
      total = total.plus(callSettings(stage.config()).effectiveDeadline());
    }
    Duration derived = total.multipliedBy(4);
    return derived.compareTo(Duration.ofMinutes(10)) > 0 ? derived : Duration.ofMinutes(10);
  }

  /** Each attempt works on its own copy, so a failed attempt leaves nothing for the next. */
  static final class CopyingCall<T extends Tracked<T>> implements StageCall<T> {
    private static final long serialVersionUID = 1L;
    private final StageCall<T> call;

    CopyingCall(StageCall<T> call) {
      this.call = call;
    }

    @Override
    public T call(T input, Attempt attempt) throws Exception {
      return call.call(input.copy(), attempt);
    }

    @Override
    public String classify(Exception e) {
      return call.classify(e);
    }

    @Override
    public void setup() throws Exception {
      call.setup();
    }

    @Override
    public void teardown() {
      call.teardown();
    }
  }

  /** {@link CopyingCall} for kernel calls: the reply is merged into a copy. */
  static final class CopyingKernelCall<T extends Tracked<T>> implements KernelCall<T> {
    private static final long serialVersionUID = 1L;
    private final KernelCall<T> call;

    CopyingKernelCall(KernelCall<T> call) {
      this.call = call;
    }

    @Override
    public String kernel() {
      return call.kernel();
    }

    @Override
    public byte[] request(T input) throws Exception {
      return call.request(input);
    }

    @Override
    public T response(T input, byte[] reply) throws Exception {
      return call.response(input.copy(), reply);
    }

    @Override
    public T response(T input, byte[] reply, String worker) throws Exception {
      return call.response(input.copy(), reply, worker);
    }

    @Override
    public T call(T input, Attempt attempt) throws Exception {
      return call.call(input.copy(), attempt);
    }

    @Override
    public String classify(Exception e) {
      return call.classify(e);
    }

    @Override
    public void setup() throws Exception {
      call.setup();
    }

    @Override
    public void teardown() {
      call.teardown();
    }
  }

  /**
   * Elements a chain whose first stage is keyed accepts in a JVM: those waiting for their key (a
   * host and its politeness delay) hold no in-flight permit, only one of these, so that one key's
   * backlog never stops another key's calls, and a list of millions stays bounded in memory.
   */
  static final int ACCEPTED = 10_000;

  /**
   * Elements of one key a chain accepts in a JVM: far more than a key runs at once, and few enough
   * that a slow key's backlog leaves most of {@link #ACCEPTED} to the others.
   */
  static final int ACCEPTED_PER_KEY = 1_000;

  /** The in-flight bound of a chain in the JVM, shared by its DoFn instances. */
  static final class Permits implements Shared.Resource {
    final Semaphore semaphore;
    final Semaphore accepted;
    private final int perKey;
    private final java.util.Map<String, int[]> keys = new java.util.HashMap<>();

    Permits(int permits) {
      this(permits, ACCEPTED, ACCEPTED_PER_KEY);
    }

    Permits(int permits, int accepted, int perKey) {
      this.semaphore = new Semaphore(permits, true);
      this.accepted = new Semaphore(Math.max(accepted, permits), true);
      this.perKey = Math.max(perKey, permits);
    }

    /** Counts an element of {@code key} as accepted, waiting while the key has its share. */
    synchronized void enterKey(String key) throws InterruptedException {
      int[] count = keys.computeIfAbsent(key, k -> new int[1]);
      while (count[0] >= perKey) {
        wait();
        count = keys.computeIfAbsent(key, k -> new int[1]);
      }
      count[0]++;
    }

    /** An element of {@code key} ended. */
    synchronized void exitKey(String key) {
      int[] count = keys.get(key);
      if (count == null) {
        throw new IllegalStateException("an element of key " + key + " ended twice");
      }
      if (--count[0] == 0) {
        keys.remove(key);
      }
      if (count[0] == perKey - 1) {
        notifyAll();
      }
    }

    /** Elements of {@code key} accepted now, for tests. */
    synchronized int acceptedOf(String key) {
      int[] count = keys.get(key);
      return count == null ? 0 : count[0];
    }

    @Override
    public void close() {}
  }

  /**
   * An element's in-flight permit when the chain's first stage is keyed: taken by the first stage's
   * attempt when its key lets it start, given back for a retry's back-off, held from the first
   * stage's success to the element's end, and given back once at the end.
   */
  static final class PermitAdmission implements CallExecutor.Admission {
    private static final int NONE = 0;
    private static final int HELD = 1;
    private static final int ENDED = 2;

    private final Semaphore permits;
    private final java.util.concurrent.atomic.AtomicInteger state =
        new java.util.concurrent.atomic.AtomicInteger(NONE);

    PermitAdmission(Semaphore permits) {
      this.permits = permits;
    }

    @Override
    public void acquire() throws InterruptedException {
      permits.acquire();
      if (!state.compareAndSet(NONE, HELD)) {
        permits.release(); // the element ended meanwhile, or holds one already
      }
    }

    @Override
    public void release() {
      if (state.compareAndSet(HELD, NONE)) {
        permits.release();
      }
    }

    /** The element ended: gives its permit back if it holds one, and refuses later ones. */
    void end() {
      if (state.getAndSet(ENDED) == HELD) {
        permits.release();
      }
    }
  }

  /** One element on its way through the stages, with each stage's outcome. */
  static final class ChainJob<T extends Tracked<T>> {
    final T input;
    PermitAdmission admission;
    final Outcome<?>[] outcomes;
    T current;
    volatile CompletableFuture<? extends Outcome<T>> running;
    volatile int runningStage = -1;

    ChainJob(T input, int stages) {
      this.input = input;
      this.current = input;
      this.outcomes = new Outcome<?>[stages];
    }

    ChainJob<T> after(int index, String stage, Outcome<T> outcome) {
      outcomes[index] = outcome;
      running = null;
      T next;
      if (outcome.ok()) {
        next = outcome.value();
      } else {
        next = current.copy();
        next.fail(new Failure(stage, outcome.kind(), outcome.message()));
      }
      next.addStageMillis(stage, outcome.callNanos() / 1_000_000);
      next.recordAttempts(stage, outcome.attempts());
      current = next;
      return this;
    }

    /** A job that ends here with a failure in {@code stage}, for cancellations and bugs. */
    ChainJob<T> endedWith(int index, String stage, String kind, String message) {
      ChainJob<T> ended = new ChainJob<>(input, outcomes.length);
      System.arraycopy(outcomes, 0, ended.outcomes, 0, Math.max(0, index));
      ended.current = input;
      return ended.after(index, stage, Outcome.failed(kind, message, 0, 0, 0));
    }
  }

  /** Submits each element to its stages' executors and emits it when it has been through all. */
  static final class ChainFn<T extends Tracked<T>> extends DoFn<T, T> {
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
                          executableCall(stage),
                          stage.keyFn(),
                          stage.keyResolver(),
                          settingsOf(stage))));
        }
        permits =
            Shared.acquire(
                id + "/permits",
                () -> new Permits(inFlightBound(stages) + waitingRoom, accepted, acceptedPerKey));
        chainDone = Metrics.counter(StageMetrics.NAMESPACE, StageMetrics.CHAIN_DONE);
        for (Stage<T> stage : stages) {
          PoolPrewarm.end(id + "/" + stage.name());
        }
      } catch (Exception e) {
        teardown();
        throw e;
      }
      bundle = new AsyncBundle<>(String.join(", ", stages.stream().map(Stage::name).toList()));
      bundleTimeoutNanos = bundleTimeout(stages).toNanos();
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
          context.output(PARTS, part, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
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
      if (failure != null && FailureKind.DISK_FULL.label().equals(failure.kind())) {
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
}
