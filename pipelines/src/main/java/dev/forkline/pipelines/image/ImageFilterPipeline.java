package dev.forkline.pipelines.image;

import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.config.ImageFilterSettings;
import dev.forkline.pipelines.exec.BatchChunks;
import dev.forkline.pipelines.exec.StageChain;
import dev.forkline.pipelines.run.PipelineDefinition;
import dev.forkline.pipelines.run.ResumeVerdicts;
import dev.forkline.pipelines.run.RunContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * The image-filter pipeline: list the input folder, read each file [read], probe and transform it
 * [transform], write it into the output tree [write], and make one manifest row per file.
 *
 * <p>The transform decodes each image (after refusing oversize ones from their header), turns it
 * upright by EXIF, runs the configured filter chain and encodes the output format.
 */
public final class ImageFilterPipeline implements PipelineDefinition {
  private static final long serialVersionUID = 1L;

  /** Where output images go inside the output folder. */
  public static final String IMAGES_DIR = "images";

  private final boolean byContent;

  /** Registers this pipeline with the runner ({@code META-INF/services}). */
  public static final class Factory implements dev.forkline.pipelines.run.PipelineFactory {
    @Override
    public dev.forkline.pipelines.config.PipelineType pipeline() {
      return dev.forkline.pipelines.config.PipelineType.IMAGE_FILTER;
    }

    @Override
    public dev.forkline.pipelines.run.PipelineDefinition create(
        dev.forkline.pipelines.config.ForklineConfig config) {
      return new ImageFilterPipeline(config.imageFilter());
    }
  }

  public ImageFilterPipeline(ImageFilterSettings settings) {
    this.byContent = settings.resumeByContent();
  }

  @Override
  public String tableName() {
    return "manifest.parquet";
  }

  @Override
  public Schema schema() {
    return ManifestSchema.SCHEMA;
  }

  /**
   * One: image batches are alike (up to 1,024 files each), so a batch at a time loses only its last
   * images' tail, while an idle Direct runner thread would spin a core (see {@link
   * PipelineDefinition#directParallelism}).
   */
  @Override
  public int directParallelism(ForklineConfig config) {
    return 1;
  }

  @Override
  public String keyField() {
    return "input";
  }

  @Override
  public String fingerprint(ForklineConfig config) {
    ImageFilterSettings s = config.imageFilter();
    return PipelineDefinition.hash(
        s.autoOrient(),
        s.filters(),
        s.format(),
        s.quality(),
        s.nameTemplate(),
        s.metadata().label(),
        s.shrinkOnLoad() ? "shrink-on-load" : "exact");
  }

  /** An ok row stands while its output file is there with the size the row recorded. */
  @Override
  public boolean stillValid(GenericRecord okRow) {
    Object output = okRow.get("output_path");
    Object bytes = okRow.get("bytes_out");
    if (output == null || bytes == null) {
      return false;
    }
    try {
      Path file = Path.of(output.toString());
      return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
          && Files.size(file) == (Long) bytes;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public String identity(GenericRecord okRow) {
    return InputIdentity.ofRow(okRow, byContent);
  }

  @Override
  public PCollection<String> expand(Pipeline pipeline, RunContext context) {
    ForklineConfig config = context.config();
    ImageFilterSettings settings = config.imageFilter();
    String inputRoot = config.inputs().get(0).toString();
    String outputRoot = config.output().resolve(IMAGES_DIR).toString();
    ToRow toRow = new ToRow(config.executors(), fingerprint(config));
    boolean split = config.listing().splits(pipeline);
    return tasks(pipeline, settings, inputRoot, context.done(), context.verdicts(), split)
        .apply(
            StageChain.of(
                    config
                        .stage("read")
                        .running(
                            new ImageCalls.Read(
                                settings.maxFileBytes(), settings.resumeByContent())),
                    config.stage("transform").running(new ImageCalls.Transform(settings)),
                    config
                        .stage("write")
                        .running(
                            new ImageCalls.Write(
                                inputRoot, outputRoot, context.scratch().toString())))
                .toTable(context.rows(toRow)));
  }

  /**
   * One task per file of the input folder but those {@code done} (when not null) holds an earlier
   * row of that stands (their verdicts go to {@code verdicts}), dealt into batches and back: the
   * steps before the stages, shared with {@code ImageStageBench} (the bench module). Listed in one
   * task ({@link ListFilesFn}) or, when {@code split}, over the workers ({@link SplitFileListing});
   * both make the same tasks.
   */
  static PCollection<ImageTask> tasks(
      Pipeline pipeline,
      ImageFilterSettings settings,
      String inputRoot,
      PCollectionView<Map<String, String>> done,
      ResumeVerdicts verdicts,
      boolean split) {
    if (split) {
      return SplitFileListing.tasks(pipeline, new FileLister(settings), inputRoot, done, verdicts);
    }
    PCollection<String> folder = pipeline.apply("Input folder", Create.of(inputRoot));
    return BatchChunks.regroup(
        ResumeVerdicts.listing(
            "List files", folder, new ListFilesFn(settings, done), done, verdicts),
        ImageTask.class);
  }

  /** A finished task's manifest row: for the table and for the run's journal. */
  static final class ToRow implements SerializableFunction<ImageTask, GenericRecord> {
    private static final long serialVersionUID = 1L;
    private final String executors;
    private final String fingerprint;

    ToRow(String executors, String fingerprint) {
      this.executors = executors;
      this.fingerprint = fingerprint;
    }

    @Override
    public GenericRecord apply(ImageTask task) {
      GenericRecord row = new GenericData.Record(ManifestSchema.SCHEMA);
      row.put("input", task.relativePath);
      row.put("input_path", task.inputPath);
      row.put("input_size", task.inputSize >= 0 ? task.inputSize : null);
      row.put("input_modified", task.inputModified);
      row.put("input_sha256", task.inputSha256);
      row.put("output_path", task.outputPath);
      boolean ok = task.failure == null;
      row.put("status", ok ? "ok" : "failed");
      if (!ok) {
        row.put("failure_stage", task.failure.stage());
        row.put("failure_kind", task.failure.kind());
        row.put("failure_message", task.failure.message());
      }
      row.put("format_in", task.formatIn);
      row.put("format_out", ok ? task.formatOut : null);
      row.put("width_in", task.widthIn > 0 ? task.widthIn : null);
      row.put("height_in", task.heightIn > 0 ? task.heightIn : null);
      row.put("width_out", ok && task.widthOut > 0 ? task.widthOut : null);
      row.put("height_out", ok && task.heightOut > 0 ? task.heightOut : null);
      row.put("bytes_in", task.bytesIn >= 0 ? task.bytesIn : null);
      row.put("bytes_out", ok && task.bytesOut >= 0 ? task.bytesOut : null);
      row.put("decoder", task.decoder);
      row.put("filters", ok ? task.filters : null);
      row.put("exif_make", task.exifMake);
      row.put("exif_model", task.exifModel);
      row.put("exif_datetime_original", task.exifDateTime);
      row.put("exif_orientation", task.exifOrientation);
      row.put("gps_lat", task.gpsLat);
      row.put("gps_lon", task.gpsLon);
      row.put("worker", task.worker);
      row.put("executors", executors);
      row.put(SETTINGS_FIELD, fingerprint);
      row.put("read_ms", task.stageMillis.get("read"));
      row.put("transform_ms", task.stageMillis.get("transform"));
      row.put("write_ms", task.stageMillis.get("write"));
      row.put("decode_ms", task.decodeMs >= 0 ? task.decodeMs : null);
      row.put("filter_ms", task.filterMs >= 0 ? task.filterMs : null);
      row.put("encode_ms", task.encodeMs >= 0 ? task.encodeMs : null);
      row.put("processed_at", Instant.now().toString());
      return row;
    }
  }
}
