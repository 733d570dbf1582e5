package dev.forkline.pipelines.exec;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Runs each element through a pipeline's stages in order, counting outcomes and busy time per stage
 * and turning any exception into a failed element that later stages pass through.
 *
 * <pre>{@code
 * tasks.apply(StageChain.of(read, transform, write));
 * }</pre>
 *
 * <p>The stages of one element run back to back inside one step rather than as one Beam step each.
 * Payloads (file bytes, encoded images) then live only while their element is being worked on: the
 * Direct runner materialises every step's whole output before the next step runs, so separate steps
 * held a folder's worth of image bytes in memory at once. Each stage keeps its own name, metrics
 * and executor settings; this version runs every call inline.
 */
public final class StageChain<T extends Tracked<T>>
    extends PTransform<PCollection<T>, PCollection<T>> {
  private final List<Stage<T>> stages;

  private StageChain(List<Stage<T>> stages) {
    super("Run " + stages.stream().map(Stage::name).collect(Collectors.joining(", ")));
    this.stages = List.copyOf(stages);
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
    }
    return new StageChain<>(List.of(stages));
  }

  @Override
  public PCollection<T> expand(PCollection<T> input) {
    return input.apply("Stages", ParDo.of(new ChainFn<>(stages))).setCoder(input.getCoder());
  }

  /** Runs the stages of each element in the DoFn's own thread. */
  static final class ChainFn<T extends Tracked<T>> extends DoFn<T, T> {
    private final List<Stage<T>> stages;
    private transient StageMetrics[] metrics;

    ChainFn(List<Stage<T>> stages) {
      this.stages = stages;
    }

    @Setup
    public void setup() {
      metrics = new StageMetrics[stages.size()];
      for (int i = 0; i < stages.size(); i++) {
        metrics[i] = new StageMetrics(stages.get(i).name());
      }
    }

    @ProcessElement
    public void process(@Element T element, OutputReceiver<T> out) {
      T current = element;
      for (int i = 0; i < stages.size() && current.failure() == null; i++) {
        current = run(stages.get(i), metrics[i], current);
      }
      out.output(current);
    }

    private static <T extends Tracked<T>> T run(Stage<T> stage, StageMetrics metrics, T element) {
      long start = System.nanoTime();
      T result;
      try {
        result = stage.call().call(element.copy());
        if (result == null) {
          throw new IllegalStateException("stage " + stage.name() + " returned no element");
        }
      } catch (StageException e) {
        result = failed(element, stage.name(), e.kind(), e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        result = failed(element, stage.name(), "interrupted", "interrupted while running");
      } catch (Exception e) {
        result = failed(element, stage.name(), stage.call().classify(e), describe(e));
      }
      long nanos = System.nanoTime() - start;
      result.addStageMillis(stage.name(), nanos / 1_000_000);
      metrics.finished(result.failure() == null, nanos);
      return result;
    }

    private static <T extends Tracked<T>> T failed(
        T element, String stage, String kind, String message) {
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
