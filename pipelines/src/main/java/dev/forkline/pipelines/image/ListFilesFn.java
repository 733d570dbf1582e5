package dev.forkline.pipelines.image;

import dev.forkline.pipelines.config.ImageFilterSettings;
import dev.forkline.pipelines.exec.BatchChunks;
import dev.forkline.pipelines.exec.Failure;
import dev.forkline.pipelines.exec.FailureKind;
import dev.forkline.pipelines.exec.StageMetrics;
import dev.forkline.pipelines.run.ResumeVerdicts;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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

  private final ImageFilterSettings settings;
  private final List<String> include;
  private final PCollectionView<Map<String, String>> done;
  private final boolean byContent;
  private transient List<PathMatcher> matchers;
  private transient Counter inputs;
  private transient Counter skipped;
  private transient Counter excluded;

  ListFilesFn(ImageFilterSettings settings, PCollectionView<Map<String, String>> done) {
    this.settings = settings;
    this.include = settings.include();
    this.done = done;
    this.byContent = settings.resumeByContent();
  }

  @Setup
  public void setup() {
    matchers = new ArrayList<>();
    for (String pattern : include) {
      matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
    }
    inputs = StageMetrics.inputs();
    skipped = StageMetrics.counter(StageMetrics.RESUME_SKIPPED);
    excluded = StageMetrics.counter(StageMetrics.EXCLUDED);
  }

  @ProcessElement
  public void process(ProcessContext context) throws IOException {
    Path root = Path.of(context.element());
    Walk walk = new Walk(context, root);
    Files.walkFileTree(root, walk);
    walk.chunks.flush();
  }

  /** One folder's walk: each file a task (or a kept row under --resume), batched by size. */
  private final class Walk extends SimpleFileVisitor<Path> {
    final ProcessContext context;
    final Path root;
    // Inputs are named by the folder's real path: --resume tells another folder from this one.
    final Path real;
    final Map<String, String> finished;
    final Batcher batcher = new Batcher();
    final BatchChunks<ImageTask> chunks;
    final Map<String, String> outputs = new HashMap<>();

    Walk(ProcessContext context, Path root) throws IOException {
      this.context = context;
      this.root = root;
      this.real = realPath(root);
      this.finished = done == null ? Map.of() : context.sideInput(done);
      this.chunks = new BatchChunks<>((batch, chunk) -> context.output(KV.of(batch, chunk)));
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
      if (attrs.isDirectory()) {
        return FileVisitResult.CONTINUE;
      }
      String key = root.relativize(file).toString();
      if (!matches(key)) {
        excluded.inc();
        return FileVisitResult.CONTINUE;
      }
      inputs.inc();
      String relative = key.replace(java.io.File.separatorChar, '/');
      String format = OutputNames.targetFormat(settings.format(), relative);
      String output =
          settings.outputName(relative, format, OutputNames.extension(settings.format(), relative));
      String earlier = outputs.putIfAbsent(output, relative);
      Path input = real.resolve(key);
      String recorded = finished.get(key);
      if (recorded != null) {
        if (earlier != null) {
          // Another input has this output name now: this one fails as a conflict.
          context.output(ResumeVerdicts.TAG, KV.of(key, ResumeVerdicts.REDO));
        } else if (keep(context, key, recorded, input, attrs)) {
          skipped.inc();
          return FileVisitResult.CONTINUE;
        }
      }
      ImageTask task = new ImageTask(key, input.toString());
      task.outputRelative = output;
      task.targetFormat = format;
      String problem = problem(file, attrs, output, earlier);
      if (problem != null) {
        task.fail(
            new Failure("list", earlier != null ? "conflict" : FailureKind.IO.label(), problem));
      }
      chunks.add(batcher.next(attrs.size()), task);
      return FileVisitResult.CONTINUE;
    }

    /** Why a listed file fails at once: an output name taken, a link or a non-regular file. */
    private String problem(Path file, BasicFileAttributes attrs, String output, String earlier) {
      if (earlier != null) {
        return "its output name '"
            + output
            + "' is already the output of '"
            + earlier
            + "'; make names unique with image-filter.name (e.g. '{dir}/{name}.{ext}')";
      }
      if (attrs.isSymbolicLink()) {
        String link = linkProblem(file, real);
        if (link != null) {
          return link;
        }
      }
      return attrs.isOther() ? "not a regular file (a FIFO, socket or device); not read" : null;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) {
      String key = root.relativize(file).toString();
      if (key.isEmpty()) {
        key = ".";
      }
      inputs.inc();
      if (finished.containsKey(key)) {
        context.output(ResumeVerdicts.TAG, KV.of(key, ResumeVerdicts.REDO));
      }
      ImageTask task = new ImageTask(key, file.toString());
      task.fail(new Failure("list", FailureKind.IO, "cannot read this folder: " + reason(e)));
      chunks.add(batcher.next(0), task);
      return FileVisitResult.CONTINUE;
    }
  }

  /**
   * Whether an earlier row of {@code key} stands for the file found now: the same real path, size
   * and modification time (and content, if asked). Reports the verdict either way.
   */
  private boolean keep(
      ProcessContext context, String key, String recorded, Path input, BasicFileAttributes attrs) {
    String verdict;
    try {
      String cheap = InputIdentity.current(input, attrs, false);
      verdict =
          !byContent || !recorded.startsWith(cheap + "\n")
              ? ResumeVerdicts.of(recorded, cheap) // content is hashed only where the rest matches
              : ResumeVerdicts.of(recorded, InputIdentity.current(input, attrs, true));
    } catch (IOException e) {
      verdict = ResumeVerdicts.REDO; // the read stage will say what is wrong with it
    }
    context.output(ResumeVerdicts.TAG, KV.of(key, verdict));
    return ResumeVerdicts.KEEP.equals(verdict);
  }

  /**
   * Why a symbolic link in the input is not read, or null: its target must be a regular file (a
   * FIFO would block the read until its deadline), inside the input folder unless {@code
   * follow-links: true}.
   */
  private String linkProblem(Path link, Path realRoot) {
    Path target;
    try {
      target = link.toRealPath();
    } catch (IOException e) {
      return null; // dangling: the read stage says so, as for any file that cannot be read
    }
    if (!Files.isRegularFile(target)) {
      return "a symbolic link to "
          + (Files.isDirectory(target) ? "a folder" : "something that is not a regular file")
          + " ("
          + target
          + "); not read";
    }
    if (!settings.followLinks() && !target.startsWith(realRoot)) {
      return "a symbolic link to "
          + target
          + ", outside the input folder; not read (image-filter.follow-links: true reads it)";
    }
    return null;
  }

  private static Path realPath(Path root) {
    try {
      return root.toRealPath();
    } catch (IOException e) {
      return root.toAbsolutePath().normalize(); // the walk reports why it cannot be read
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

  private static String reason(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileSystemLoopException) {
      return "a symbolic link loop";
    }
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }

  /**
   * Matches the include globs against the relative path, and against it in lower case. Control
   * characters (a newline in a name) are matched as '_': a glob's '*' does not match them.
   */
  private boolean matches(String relative) {
    String plain = relative.replaceAll("\\p{Cntrl}", "_");
    Path path = Path.of(plain);
    Path lower = Path.of(plain.toLowerCase(Locale.ROOT));
    for (PathMatcher matcher : matchers) {
      if (matcher.matches(path) || matcher.matches(lower)) {
        return true;
      }
    }
    return false;
  }
}
