package dev.forkline.pipelines.image;

import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.config.ImageFilterSettings;
import dev.forkline.pipelines.exec.StageChain;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;

/**
 * The CPU-bound stage alone, for {@code forkline bench}: list and read the images (read runs
 * inline; the files are in the page cache after the first pass) and run the {@code transform} stage
 * (decode, auto-orient, filter chain, encode) on the executor the config gives it. Nothing is
 * written and no table is made, so the row measures the transform executor, not the I/O.
 */
public final class ImageStageBench {
  private ImageStageBench() {}

  /** Adds list, read (inline) and transform to {@code pipeline}; outputs are dropped. */
  public static void expand(Pipeline pipeline, ForklineConfig config) {
    ImageFilterSettings settings = config.imageFilter();
    String inputRoot = config.inputs().get(0).toString();
    ImageFilterPipeline.tasks(pipeline, settings, inputRoot, null, null, false)
        .apply(
            StageChain.of(
                config.stage("read").running(new ImageCalls.Read(settings.maxFileBytes(), false)),
                config.stage("transform").running(new ImageCalls.Transform(settings))))
        .apply("Drop", ParDo.of(new DropFn()));
  }

  static final class DropFn extends DoFn<ImageTask, Void> {
    @ProcessElement
    public void process(@Element ImageTask task) {
      // the stage counters (transform.ok, transform.failed) are the result
    }
  }
}
