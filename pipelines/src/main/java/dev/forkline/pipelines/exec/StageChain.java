package dev.forkline.pipelines.exec;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

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
   * for a few parse threads), give it that stage's concurrency: without it (the default, 0), those
   * waiting elements hold the permits new fetches need. Every permit may hold an element's payload,
   * so a chain that carries file bytes keeps the default.
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
      if (stage.settings() == null) {
        throw new IllegalArgumentException(
            "stage "
                + stage.name()
                + ": give it its settings (withSettings, onProcesses or StageConfig.running) before chaining it");
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
        if (stage.pool() != null) {
          String kernel = ((KernelCall<T>) stage.call()).kernel();
          PoolPrewarm.start(id + "/" + stage.name(), stage.pool().spec(kernel));
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
    return runsInThisJvm(input.getPipeline());
  }

  /** Whether {@code pipeline} runs on the Direct runner: every bundle in this JVM. */
  public static boolean runsInThisJvm(org.apache.beam.sdk.Pipeline pipeline) {
    return pipeline.getOptions().getRunner().getSimpleName().equals("DirectRunner");
  }

  /** Elements one chain keeps in flight in a JVM: enough for every executor to be busy. */
  static int inFlightBound(List<? extends Stage<?>> stages) {
    int bound = 1;
    for (Stage<?> stage : stages) {
      CallSettings settings = stage.settings();
      bound += settings.inline() ? 0 : settings.concurrency();
    }
    return bound;
  }

  /**
   * How long the end of a bundle waits for its elements: the longest a stage sets, or every stage's
   * deadline, four times, and at least ten minutes.
   */
  static Duration bundleTimeout(List<? extends Stage<?>> stages) {
    Duration set = null;
    Duration total = Duration.ZERO;
    for (Stage<?> stage : stages) {
      Duration own = stage.settings().bundleTimeout();
      if (own != null && (set == null || own.compareTo(set) > 0)) {
        set = own;
      }
      total = total.plus(stage.settings().effectiveDeadline());
    }
    if (set != null) {
      return set;
    }
    Duration derived = total.multipliedBy(4);
    return derived.compareTo(Duration.ofMinutes(10)) > 0 ? derived : Duration.ofMinutes(10);
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
}
