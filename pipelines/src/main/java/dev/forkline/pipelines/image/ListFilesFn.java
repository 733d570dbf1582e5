package dev.forkline.pipelines.image;

import dev.forkline.pipelines.config.ImageFilterSettings;
import dev.forkline.pipelines.exec.BatchChunks;
import dev.forkline.pipelines.exec.StageMetrics;
import dev.forkline.pipelines.run.ResumeVerdicts;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Walks the input folder and emits one task per file matching the include patterns (matched against
 * the path relative to the folder, case-insensitively for lower-case patterns). A folder that
 * cannot be read becomes a failed task of its own, so nothing disappears silently. Symbolic links
 * to folders are not followed (no cycles); a link to a regular file inside the input folder is read
 * (outside it only with {@code follow-links: true}), any other link is a failed row. Files no
 * pattern matches are counted ({@link StageMetrics#EXCLUDED}). With {@code --resume}, a file whose
 * earlier row stands for it ({@link InputIdentity}) is skipped, and what was decided for each
 * earlier key found goes to the {@link ResumeVerdicts#TAG} output.
 */
final class ListFilesFn extends DoFn<String, KV<Integer, List<ImageTask>>> {
  /**
   * Files are dealt into batches of at most this many bytes and {@link #BATCH_FILES} files; a batch
   * becomes one bundle of the stages, so batches spread the work over the runner's threads. Few,
   * large batches keep the Direct runner fast: it scans every key's timers on every step, so a key
   * per file slows it down with the number of files.
   */
  static final long BATCH_BYTES = 128L << 20;

  static final int BATCH_FILES = 1024;

  private final FileLister lister;
  private final PCollectionView<Map<String, String>> done;
  private transient Counter inputs;
  private transient Counter skipped;
  private transient Counter excluded;

  ListFilesFn(ImageFilterSettings settings, PCollectionView<Map<String, String>> done) {
    this.lister = new FileLister(settings);
    this.done = done;
  }

  @Setup
  public void setup() {
    inputs = StageMetrics.inputs();
    skipped = StageMetrics.counter(StageMetrics.RESUME_SKIPPED);
    excluded = StageMetrics.counter(StageMetrics.EXCLUDED);
  }

  @ProcessElement
  public void process(ProcessContext context) {
    Path root = Path.of(context.element());
    Walk walk = new Walk(context, root);
    FolderWalk.walk(root, root, walk);
    walk.chunks.flush();
  }

  /** One folder's walk: each file a task (or a kept row under --resume), batched by size. */
  private final class Walk implements FolderWalk.Visitor {
    final ProcessContext context;
    final Path real;
    final Map<String, String> finished;
    final Batcher batcher = new Batcher();
    final BatchChunks<ImageTask> chunks;
    final Map<String, String> owners = new HashMap<>();

    Walk(ProcessContext context, Path root) {
      this.context = context;
      this.real = FileLister.realPath(root);
      this.finished = done == null ? Map.of() : context.sideInput(done);
      this.chunks = new BatchChunks<>((batch, chunk) -> context.output(KV.of(batch, chunk)));
    }

    @Override
    public void file(String key, Path file, BasicFileAttributes attrs) {
      if (!lister.matches(key)) {
        excluded.inc();
        return;
      }
      inputs.inc();
      ImageTask task = lister.task(key, file, attrs, real);
      String owner = owners.putIfAbsent(task.outputRelative, key);
      String recorded = finished.get(key);
      if (recorded != null) {
        // A file whose name another input took first is redone: it fails as a conflict.
        String verdict =
            owner != null
                ? ResumeVerdicts.REDO
                : lister.verdict(recorded, real.resolve(key), attrs);
        context.output(ResumeVerdicts.TAG, KV.of(key, verdict));
        if (ResumeVerdicts.KEEP.equals(verdict)) {
          skipped.inc();
          return;
        }
      }
      if (owner != null) {
        FileLister.conflict(task, owner);
      }
      chunks.add(batcher.next(attrs.size()), task);
    }

    @Override
    public void failed(String key, Path path, IOException e) {
      inputs.inc();
      if (finished.containsKey(key)) {
        context.output(ResumeVerdicts.TAG, KV.of(key, ResumeVerdicts.REDO));
      }
      chunks.add(batcher.next(0), FileLister.unreadable(key, path, e));
    }
  }

  /** Numbers consecutive files into batches bounded by bytes and count. */
  static final class Batcher {
    private int batch;
    private long bytes;
    private int files;

    int next(long size) {
      if (files > 0 && (files >= BATCH_FILES || bytes + size > BATCH_BYTES)) {
        batch++;
        bytes = 0;
        files = 0;
      }
      bytes += size;
      files++;
      return batch;
    }
  }
}
