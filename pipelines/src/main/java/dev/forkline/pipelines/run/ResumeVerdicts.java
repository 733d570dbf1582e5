package dev.forkline.pipelines.run;

import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * What a resumed run's listing decided for each key of an earlier row it listed again: {@link
 * #KEEP} (the same input, its earlier ok row still stands: not processed again) or {@link #REDO}
 * (the input or its result changed, or the row had failed: processed again). An earlier row whose
 * key the listing did not produce gets no verdict and is dropped: its input is gone.
 *
 * <p>A listing looks each key up in {@link RunContext#done()}, whose values are the inputs'
 * recorded identities ({@link PipelineDefinition#identity}), and compares them with the current
 * input's. The pipeline hands the verdicts back through {@link #report}; the runner joins them with
 * the earlier rows.
 */
public final class ResumeVerdicts {
  public static final String KEEP = "keep";
  public static final String REDO = "redo";

  /** The listing's extra output. */
  public static final TupleTag<KV<String, String>> TAG = new TupleTag<>("resume-verdicts") {};

  private PCollection<KV<String, String>> verdicts;

  ResumeVerdicts() {}

  /** Whether {@code recorded} is the identity of an earlier row that stands (not one to redo). */
  public static boolean stands(String recorded) {
    return !Resume.REDO_MARK.equals(recorded);
  }

  /** The verdict of an earlier key whose recorded identity is {@code recorded}. */
  public static String of(String recorded, String current) {
    return recorded.equals(current) ? KEEP : REDO;
  }

  /**
   * Applies a pipeline's listing to its input: as it is on a fresh run ({@code done} null), else
   * with {@code done} as its side input and its {@link #TAG} output reported to {@code verdicts}.
   * Returns the listing's main output.
   */
  public static <I, T> PCollection<T> listing(
      String name,
      PCollection<I> input,
      DoFn<I, T> fn,
      PCollectionView<Map<String, String>> done,
      ResumeVerdicts verdicts) {
    if (done == null) {
      return input.apply(name, ParDo.of(fn));
    }
    TupleTag<T> main = new TupleTag<>() {};
    PCollectionTuple listed =
        input.apply(
            name, ParDo.of(fn).withSideInputs(done).withOutputTags(main, TupleTagList.of(TAG)));
    verdicts.report(listed.get(TAG));
    return listed.get(main);
  }

  /** Called once by the pipeline's listing with its verdict output. */
  public void report(PCollection<KV<String, String>> verdicts) {
    if (this.verdicts != null) {
      throw new IllegalStateException("the listing reported its resume verdicts twice");
    }
    this.verdicts = verdicts.setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
  }

  PCollection<KV<String, String>> reported() {
    if (verdicts == null) {
      throw new IllegalStateException(
          "a resumed pipeline's listing must report its verdicts (RunContext.verdicts().report)");
    }
    return verdicts;
  }
}
