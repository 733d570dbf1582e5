package dev.forkline.pipelines.exec;

import dev.forkline.pipelines.config.Executor;
import dev.forkline.pipelines.config.StageConfig;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Applies a {@link StageCall} to every element that has not failed yet, counting outcomes and busy
 * time under the stage's name, and turning any exception into a failed element.
 *
 * <pre>{@code
 * items.apply("read", Stage.of("read", new ReadCall()).withConfig(config.stage("read")));
 * }</pre>
 *
 * <p>This version runs each call inline, in the DoFn's thread; the threaded and process-pool
 * executors plug in here, behind the same call.
 */
public final class Stage<T extends Tracked<T>> extends PTransform<PCollection<T>, PCollection<T>> {
  private final String name;
  private final StageCall<T> call;
  private final StageConfig config;

  private Stage(String name, StageCall<T> call, StageConfig config) {
    super(name);
    this.name = name;
    this.call = call;
    this.config = config;
  }

  /** A stage running {@code call}; configure it with {@link #withConfig}. */
  public static <T extends Tracked<T>> Stage<T> of(String name, StageCall<T> call) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a stage needs a name");
    }
    if (call == null) {
      throw new IllegalArgumentException("stage " + name + " needs a call");
    }
    return new Stage<>(name, call, null);
  }

  /** The stage's executor and knobs from the config. */
  public Stage<T> withConfig(StageConfig config) {
    if (config == null || !config.name().equals(name)) {
      throw new IllegalArgumentException(
          "stage " + name + " got the config of " + (config == null ? "nothing" : config.name()));
    }
    return new Stage<>(name, call, config);
  }

  /** The executor that actually runs this stage's calls in this version. */
  public static Executor effectiveExecutor(StageConfig config) {
    return Executor.INLINE;
  }

  @Override
  public PCollection<T> expand(PCollection<T> input) {
    if (config == null) {
      throw new IllegalStateException("stage " + name + ": call withConfig(...) before applying");
    }
    return input
        .apply("Run " + name, ParDo.of(new InlineFn<>(name, call)))
        .setCoder(input.getCoder());
  }

  /** Runs the call for each element in the DoFn's own thread. */
  static final class InlineFn<T extends Tracked<T>> extends DoFn<T, T> {
    private final String stage;
    private final StageCall<T> call;
    private transient StageMetrics metrics;

    InlineFn(String stage, StageCall<T> call) {
      this.stage = stage;
      this.call = call;
    }

    @Setup
    public void setup() {
      metrics = new StageMetrics(stage);
    }

    @ProcessElement
    public void process(@Element T element, OutputReceiver<T> out) {
      if (element.failure() != null) {
        out.output(element);
        return;
      }
      long start = System.nanoTime();
      T result;
      try {
        result = call.call(element.copy());
        if (result == null) {
          throw new IllegalStateException("stage " + stage + " returned no element");
        }
      } catch (StageException e) {
        result = failed(element, e.kind(), e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        result = failed(element, "interrupted", "interrupted while running");
      } catch (Exception e) {
        result = failed(element, call.classify(e), describe(e));
      }
      long nanos = System.nanoTime() - start;
      result.addStageMillis(stage, nanos / 1_000_000);
      metrics.finished(result.failure() == null, nanos);
      out.output(result);
    }

    private T failed(T element, String kind, String message) {
      T copy = element.copy();
      copy.fail(new Failure(stage, kind, message));
      return copy;
    }

    private static String describe(Exception e) {
      String message = e.getMessage();
      return message == null || message.isBlank()
          ? e.getClass().getSimpleName()
          : e.getClass().getSimpleName() + ": " + message;
    }
  }
}
