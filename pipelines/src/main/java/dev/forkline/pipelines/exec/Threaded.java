package dev.forkline.pipelines.exec;

import java.time.Duration;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Runs a blocking call per element on threads: many calls in flight, bounded, each with a deadline
 * and bounded retries. Results come out as they complete; every element becomes exactly one output
 * or one {@link CallFailure}, and no failing element fails the bundle.
 *
 * <pre>{@code
 * WithFailures.Result<PCollection<Page>, CallFailure<String>> pages =
 *     urls.apply("Fetch", Threaded.of(new FetchCall())
 *         .withStageName("fetch")
 *         .withThreads(64)
 *         .withTimeout(Duration.ofSeconds(30))
 *         .withRetries(3)
 *         .withPerKeyLimit(Fetch::host, 4, Duration.ofMillis(500)));
 * pages.output();    // PCollection<Page>
 * pages.failures();  // PCollection<CallFailure<String>>
 * }</pre>
 *
 * <p>It runs as a one-stage {@link StageChain}, the engine of forkline's own pipelines. The threads
 * and the in-flight bound belong to the stage in the JVM, shared by every DoFn instance the runner
 * makes. A permit is taken in {@code @ProcessElement} before an element starts, so a full stage
 * blocks its input and memory stays bounded whatever the input's size. {@link #inline()} runs the
 * same call in the DoFn's own thread, one element at a time.
 *
 * <p>On the Direct runner, give {@code DirectOptions.setTargetParallelism} the number of bundles
 * you expect in flight (often 1): the runner's driver loop spins a core on every idle runner
 * thread, and this transform blocks its thread while its bundle's calls run, so a matching count
 * keeps that core for the calls (forkline's own pipelines do so).
 */
public final class Threaded<I, O>
    extends PTransform<PCollection<I>, WithFailures.Result<PCollection<O>, CallFailure<I>>> {
  private final BlockingCall<I, O> call;
  private final String stage;
  private final CallSettings settings;
  private final SerializableFunction<I, String> keyFn;
  private final Coder<O> outputCoder;

  private Threaded(
      BlockingCall<I, O> call,
      String stage,
      CallSettings settings,
      SerializableFunction<I, String> keyFn,
      Coder<O> outputCoder) {
    this.call = call;
    this.stage = stage;
    this.settings = settings;
    this.keyFn = keyFn;
    this.outputCoder = outputCoder;
  }

  /** Runs {@code call} with {@link CallSettings#defaults()}: 16 threads, 30 s, no retries. */
  public static <I, O> Threaded<I, O> of(BlockingCall<I, O> call) {
    if (call == null) {
      throw new IllegalArgumentException("Threaded.of needs a call");
    }
    return new Threaded<>(call, "call", CallSettings.defaults(), null, null);
  }

  /** The stage's name in metrics, thread names and failure records. */
  public Threaded<I, O> withStageName(String stage) {
    if (stage == null || !stage.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException(
          "a stage name is lower-case letters, digits and '-', starting with a letter: " + stage);
    }
    return new Threaded<>(call, stage, settings, keyFn, outputCoder);
  }

  /** Calls in flight at once in this JVM, which is also the thread count. */
  public Threaded<I, O> withThreads(int threads) {
    return with(settings.withThreads(threads).withInline(false));
  }

  /**
   * Runs the call in the DoFn's thread, one element at a time; retries and deadlines still hold.
   */
  public Threaded<I, O> inline() {
    return with(settings.withInline(true));
  }

  /** The deadline of one attempt; the call's thread is interrupted when it passes. */
  public Threaded<I, O> withTimeout(Duration timeout) {
    return with(settings.withTimeout(timeout));
  }

  /** Attempts after the first, for failures the call marks retryable. */
  public Threaded<I, O> withRetries(int retries) {
    return with(settings.withRetries(retries));
  }

  /** The most an element may take in all, back-off included. */
  public Threaded<I, O> withDeadline(Duration deadline) {
    return with(settings.withDeadline(deadline));
  }

  /** Back-off between attempts: doubling from {@code initial}, capped at {@code max}, jittered. */
  public Threaded<I, O> withBackoff(Duration initial, Duration max) {
    return with(settings.withBackoff(initial, max));
  }

  /**
   * At most {@code limit} calls in flight per key and at least {@code minDelay} between two starts
   * for the same key, across every DoFn instance in the JVM (per-host politeness).
   */
  public Threaded<I, O> withPerKeyLimit(
      SerializableFunction<I, String> keyFn, int limit, Duration minDelay) {
    if (keyFn == null) {
      throw new IllegalArgumentException("withPerKeyLimit needs a key function");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("a per-key limit is at least 1, got " + limit);
    }
    return new Threaded<>(
        call, stage, settings.withPerKeyLimit(limit, minDelay), keyFn, outputCoder);
  }

  /** How long the end of a bundle waits for its unfinished elements before failing them. */
  public Threaded<I, O> withBundleTimeout(Duration timeout) {
    return with(settings.withBundleTimeout(timeout));
  }

  /** The coder of the outputs, when it cannot be inferred from the call's type. */
  public Threaded<I, O> withOutputCoder(Coder<O> coder) {
    return new Threaded<>(call, stage, settings, keyFn, coder);
  }

  /** All settings at once (from a stage's config). */
  public Threaded<I, O> withSettings(CallSettings settings) {
    return with(settings);
  }

  public CallSettings settings() {
    return settings;
  }

  private Threaded<I, O> with(CallSettings changed) {
    return new Threaded<>(call, stage, changed, keyFn, outputCoder);
  }

  @Override
  public WithFailures.Result<PCollection<O>, CallFailure<I>> expand(PCollection<I> input) {
    Stage<CallState<I, O>> one =
        Stage.<CallState<I, O>>of(stage, CallState.stageCall(call)).withSettings(settings);
    if (keyFn != null) {
      one =
          one.withPerKeyLimit(
              new InputKey<>(keyFn), settings.perKeyLimit(), settings.perKeyDelay());
    }
    return run(input, one, outputCoder != null ? outputCoder : inferOutputCoder(input));
  }

  /** Runs a one-stage chain on the inputs; splits what comes out into outputs and failures. */
  static <I, O> WithFailures.Result<PCollection<O>, CallFailure<I>> run(
      PCollection<I> input, Stage<CallState<I, O>> stage, Coder<O> outputCoder) {
    TupleTag<O> outputs = new TupleTag<>() {};
    TupleTag<CallFailure<I>> failures = new TupleTag<>() {};
    PCollection<CallState<I, O>> states =
        input
            .apply("Start " + stage.name(), ParDo.of(new Start<I, O>()))
            .setCoder(CallState.coder(input.getCoder(), outputCoder));
    PCollectionTuple result =
        states
            .apply(StageChain.of(stage))
            .apply(
                "Split " + stage.name(),
                ParDo.of(new Split<>(outputs, failures))
                    .withOutputTags(outputs, TupleTagList.of(failures)));
    result.get(outputs).setCoder(outputCoder);
    result.get(failures).setCoder(CallFailure.coder(input.getCoder()));
    return WithFailures.Result.of(result, outputs, failures);
  }

  /** The key of a state: the key function's of its input. */
  private static final class InputKey<I, O>
      implements SerializableFunction<CallState<I, O>, String> {
    private static final long serialVersionUID = 1L;
    private final SerializableFunction<I, String> keyFn;

    InputKey(SerializableFunction<I, String> keyFn) {
      this.keyFn = keyFn;
    }

    @Override
    public String apply(CallState<I, O> state) {
      return keyFn.apply(state.input);
    }
  }

  private static final class Start<I, O> extends DoFn<I, CallState<I, O>> {
    @ProcessElement
    public void process(@Element I element, OutputReceiver<CallState<I, O>> out) {
      out.output(new CallState<>(element));
    }
  }

  private static final class Split<I, O> extends DoFn<CallState<I, O>, O> {
    private final TupleTag<O> outputs;
    private final TupleTag<CallFailure<I>> failures;

    Split(TupleTag<O> outputs, TupleTag<CallFailure<I>> failures) {
      this.outputs = outputs;
      this.failures = failures;
    }

    @ProcessElement
    public void process(@Element CallState<I, O> state, MultiOutputReceiver out) {
      if (state.failure() == null) {
        out.get(outputs).output(state.output);
      } else {
        out.get(failures).output(state.toFailure());
      }
    }
  }

  /** The output coder the pipeline's registry gives for the call's output type. */
  Coder<O> inferOutputCoder(PCollection<I> input) {
    try {
      TypeDescriptor<O> type =
          TypeDescriptors.extractFromTypeParameters(
              call,
              BlockingCall.class,
              new TypeDescriptors.TypeVariableExtractor<BlockingCall<I, O>, O>() {});
      return input.getPipeline().getCoderRegistry().getCoder(type);
    } catch (CannotProvideCoderException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "stage "
              + stage
              + ": cannot infer the coder of the call's output ("
              + e.getMessage()
              + "); give it with withOutputCoder(...)",
          e);
    }
  }
}
