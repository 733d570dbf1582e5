package dev.forkline.pipelines.image;

import dev.forkline.pipelines.config.ImageFilterSettings;
import dev.forkline.pipelines.exec.Failure;
import dev.forkline.pipelines.exec.FailureKind;
import dev.forkline.pipelines.run.ResumeVerdicts;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the image listings decide per file, the same in one task ({@link ListFilesFn}) and split
 * over workers ({@link SplitFileListing}): whether the include patterns take it, the task it
 * becomes (its output name, or why it fails at once: a link or a non-regular file), a failed task
 * for what cannot be read, the conflict of two inputs for one output name, and with {@code
 * --resume} whether an earlier row still stands for it.
 */
final class FileLister implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ImageFilterSettings settings;
  private transient List<PathMatcher> matchers;

  FileLister(ImageFilterSettings settings) {
    this.settings = settings;
  }

  /**
   * Whether the include globs take the relative path, as written or in lower case. Control
   * characters (a newline in a name) are matched as '_': a glob's '*' does not match them.
   */
  boolean matches(String relative) {
    if (matchers == null) {
      List<PathMatcher> m = new ArrayList<>();
      for (String pattern : settings.include()) {
        m.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
      }
      matchers = m;
    }
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

  /** The output name of the file at {@code key}, relative to the output's images folder. */
  String outputOf(String key) {
    String relative = relative(key);
    String format = OutputNames.targetFormat(settings.format(), relative);
    return settings.outputName(
        relative, format, OutputNames.extension(settings.format(), relative));
  }

  /**
   * The task of the file at {@code key} ({@code file} as walked, read at {@code real}'s path),
   * failed at once when it is a link not to be read or not a regular file.
   */
  ImageTask task(String key, Path file, BasicFileAttributes attrs, Path real) {
    String relative = relative(key);
    ImageTask task = new ImageTask(key, real.resolve(key).toString());
    task.targetFormat = OutputNames.targetFormat(settings.format(), relative);
    task.outputRelative = outputOf(key);
    String problem = attrs.isSymbolicLink() ? linkProblem(file, real) : null;
    if (problem == null && attrs.isOther()) {
      problem = "not a regular file (a FIFO, socket or device); not read";
    }
    if (problem != null) {
      task.fail(new Failure("list", FailureKind.IO, problem));
    }
    return task;
  }

  /** Fails {@code task} for taking the output name that {@code owner} (an input's key) has. */
  static void conflict(ImageTask task, String owner) {
    task.fail(
        new Failure(
            "list",
            "conflict",
            "its output name '"
                + task.outputRelative
                + "' is already the output of '"
                + relative(owner)
                + "'; make names unique with image-filter.name (e.g. '{dir}/{name}.{ext}')"));
  }

  /** The failed task of a folder (or entry) that cannot be read. */
  static ImageTask unreadable(String key, Path path, IOException e) {
    ImageTask task = new ImageTask(key, path.toString());
    task.fail(new Failure("list", FailureKind.IO, "cannot read this folder: " + reason(e)));
    return task;
  }

  /**
   * Whether an earlier row of the file, whose input had the identity {@code recorded}, stands for
   * the file found now: the same real path, size and modification time (and content, if asked).
   */
  String verdict(String recorded, Path input, BasicFileAttributes attrs) {
    try {
      String cheap = InputIdentity.current(input, attrs, false);
      return !settings.resumeByContent() || !recorded.startsWith(cheap + "\n")
          ? ResumeVerdicts.of(recorded, cheap) // content is hashed only where the rest matches
          : ResumeVerdicts.of(recorded, InputIdentity.current(input, attrs, true));
    } catch (IOException e) {
      return ResumeVerdicts.REDO; // the read stage will say what is wrong with it
    }
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

  /** The input folder's real path: inputs are named by it, so --resume tells folders apart. */
  static Path realPath(Path root) {
    try {
      return root.toRealPath();
    } catch (IOException e) {
      return root.toAbsolutePath().normalize(); // the walk reports why it cannot be read
    }
  }

  private static String relative(String key) {
    return key.replace(java.io.File.separatorChar, '/');
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
}
