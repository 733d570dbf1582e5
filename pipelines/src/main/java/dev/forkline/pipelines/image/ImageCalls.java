package dev.forkline.pipelines.image;

import dev.forkline.pipelines.config.ImageFilterSettings;
import dev.forkline.pipelines.exec.Attempt;
import dev.forkline.pipelines.exec.FailureKind;
import dev.forkline.pipelines.exec.KernelCall;
import dev.forkline.pipelines.exec.RetryableException;
import dev.forkline.pipelines.exec.StageCall;
import dev.forkline.pipelines.exec.StageException;
import dev.forkline.pipelines.files.DiskFullException;
import dev.forkline.pipelines.files.Durable;
import dev.forkline.workers.image.TransformKernel;
import dev.forkline.workers.image.TransformReply;
import dev.forkline.workers.image.TransformRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** The per-element calls of the image-filter stages. */
final class ImageCalls {
  private ImageCalls() {}

  /** Reads a file's bytes, refusing files above the size limit before reading them. */
  static final class Read implements StageCall<ImageTask> {
    private static final long serialVersionUID = 1L;

    /** The largest byte array the JVM allocates. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final long maxFileBytes;
    private final boolean hashContent;

    /**
     * @param hashContent record the SHA-256 of the bytes read ({@code resume-check: content})
     */
    Read(long maxFileBytes, boolean hashContent) {
      this.maxFileBytes = maxFileBytes;
      this.hashContent = hashContent;
    }

    @Override
    public ImageTask call(ImageTask task, Attempt attempt) throws Exception {
      Path path = Path.of(task.inputPath);
      long limit = Math.min(maxFileBytes, MAX_ARRAY);
      // The identity --resume compares, taken before the file is opened and checked after it was
      // read: a file replaced or changed meanwhile is read again.
      try {
        return read(task, path, limit, Files.readAttributes(path, BasicFileAttributes.class));
      } catch (NoSuchFileException e) {
        throw new StageException(FailureKind.IO, whyMissing(path));
      } catch (AccessDeniedException e) {
        throw new StageException(FailureKind.IO, "permission denied");
      } catch (IOException e) {
        if (e instanceof java.nio.file.FileSystemException f && permanent(f)) {
          throw new StageException(FailureKind.IO, e.getMessage());
        }
        // Anything else (a network file system hiccup, EIO) may pass: worth another attempt.
        throw new RetryableException(
            FailureKind.IO, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }

    /**
     * Errors the path itself causes, the same on every attempt (the OS's words, as Java has them).
     */
    static boolean permanent(java.nio.file.FileSystemException e) {
      if (e instanceof java.nio.file.NotDirectoryException
          || e instanceof java.nio.file.FileSystemLoopException) {
        return true;
      }
      String reason = e.getReason() == null ? "" : e.getReason();
      return reason.equals("Not a directory")
          || reason.equals("Is a directory")
          || reason.equals("Too many levels of symbolic links")
          || reason.equals("File name too long");
    }

    private ImageTask read(ImageTask task, Path path, long limit, BasicFileAttributes attrs)
        throws IOException, StageException {
      if (attrs.isDirectory()) {
        // Reading a folder fails the same way every time ("Is a directory"): no retry.
        throw new StageException(FailureKind.IO, "is a folder now, not a file");
      }
      try (InputStream in = Files.newInputStream(path)) {
        long size = attrs.size();
        task.inputSize = size;
        task.inputModified = InputIdentity.modified(attrs);
        task.bytesIn = size;
        if (size > limit) {
          throw new StageException(FailureKind.TOO_LARGE, tooLarge(size, limit));
        }
        // Read at most one byte past the limit: the file may grow while it is read.
        byte[] data = in.readNBytes((int) Math.min(MAX_ARRAY, limit + 1));
        if (data.length > limit) {
          throw new StageException(
              FailureKind.TOO_LARGE, "the file grew past the limit while it was read");
        }
        BasicFileAttributes after = Files.readAttributes(path, BasicFileAttributes.class);
        if (after.size() != attrs.size()
            || !after.lastModifiedTime().equals(attrs.lastModifiedTime())
            || !java.util.Objects.equals(after.fileKey(), attrs.fileKey())) {
          throw new RetryableException(FailureKind.IO, "the file changed while it was read");
        }
        task.bytesIn = data.length;
        task.data = data;
        if (hashContent) {
          task.inputSha256 = InputIdentity.sha256(data);
        }
        return task;
      }
    }

    private String tooLarge(long size, long limit) {
      return size
          + " bytes, above the limit of "
          + limit
          + (limit == maxFileBytes
              ? " (image-filter.max-file-size)"
              : " (a file is held in memory: at most 2 GiB)");
    }

    /** Why a listed file cannot be opened: a dangling link, a name Java cannot encode, or gone. */
    static String whyMissing(Path path) {
      if (Files.isSymbolicLink(path)) {
        try {
          return "dangling symbolic link to " + Files.readSymbolicLink(path);
        } catch (IOException e) {
          return "dangling symbolic link";
        }
      }
      if (path.toString().indexOf('\uFFFD') >= 0) {
        return "the file name is not valid UTF-8, so it cannot be opened by name; rename the file";
      }
      return "the file disappeared before it was read";
    }
  }

  /**
   * Sends the image to the transform kernel ({@link TransformKernel}): in a worker process with the
   * {@code processes} executor, in this JVM otherwise. The kernel decodes (after checking the
   * header's size), turns the image upright, runs the filter chain and encodes; its reply carries
   * the output bytes and what was learnt, or the kind of failure (corrupt, unsupported, too-large,
   * filter, encode).
   */
  static final class Transform implements KernelCall<ImageTask> {
    private static final long serialVersionUID = 1L;
    private final ImageFilterSettings settings;

    Transform(ImageFilterSettings settings) {
      this.settings = settings;
    }

    @Override
    public String kernel() {
      return TransformKernel.NAME;
    }

    @Override
    public byte[] request(ImageTask task) {
      return new TransformRequest(
              settings.maxPixels(),
              settings.autoOrient(),
              settings.filters(),
              task.targetFormat != null ? task.targetFormat : "png",
              settings.quality(),
              settings.metadata(),
              settings.shrinkOnLoad())
          .encode(task.data);
    }

    @Override
    public ImageTask response(ImageTask task, byte[] reply) throws Exception {
      return response(task, reply, IN_PROCESS);
    }

    @Override
    public ImageTask response(ImageTask task, byte[] reply, String worker) throws Exception {
      TransformReply r = TransformReply.decode(reply);
      task.worker = worker;
      TransformReply.Source source = r.source();
      if (source != null) {
        task.formatIn = source.format();
        task.widthIn = source.width();
        task.heightIn = source.height();
        task.decoder = source.decoder();
        task.exifOrientation = source.orientation();
        task.exifMake = source.make();
        task.exifModel = source.model();
        task.exifDateTime = source.dateTimeOriginal();
        task.gpsLat = source.latitude();
        task.gpsLon = source.longitude();
      }
      if (!r.ok()) {
        throw new StageException(r.failureKind(), r.failureMessage());
      }
      task.formatOut = r.formatOut();
      task.widthOut = r.widthOut();
      task.heightOut = r.heightOut();
      task.filters = r.filtersApplied();
      task.decodeMs = r.decodeNanos() / 1e6;
      task.filterMs = r.filterNanos() / 1e6;
      task.encodeMs = r.encodeNanos() / 1e6;
      task.data = r.data();
      return task;
    }
  }

  /**
   * Writes the output file under the output folder, mirroring the input tree: to a temporary file
   * in the same folder, then renamed, so a reader never sees half a file.
   */
  static final class Write implements StageCall<ImageTask> {
    private static final long serialVersionUID = 1L;
    private final String outputRoot;
    private final String inputRoot;
    private final String scratch;

    /** Folders this instance made or found: most files share a folder, skip the syscalls. */
    private transient Set<Path> folders;

    Write(String inputRoot, String outputRoot, String scratch) {
      this.inputRoot = inputRoot;
      this.outputRoot = outputRoot;
      this.scratch = scratch;
    }

    private Path ensureFolder(Path folder) throws IOException {
      if (folders == null) {
        folders = ConcurrentHashMap.newKeySet();
      }
      if (!folders.contains(folder)) {
        Durable.createFolders(folder);
        folders.add(folder);
      }
      return folder;
    }

    @Override
    public ImageTask call(ImageTask task, Attempt attempt) throws Exception {
      Path root = Path.of(outputRoot);
      String relative = task.outputRelative != null ? task.outputRelative : task.relativePath;
      Path target = root.resolve(relative).normalize();
      if (!target.startsWith(root) || target.equals(root)) {
        throw new StageException(
            FailureKind.IO, "output path escapes the output folder: " + target);
      }
      if (target.startsWith(Path.of(inputRoot))) {
        throw new StageException(
            FailureKind.IO, "refusing to write into the input folder: " + target);
      }
      Path temp =
          Path.of(scratch)
              .resolve(
                  "write-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
      try {
        ensureFolder(target.getParent());
        ensureFolder(temp.getParent());
        // On the disk before the rename, and the rename before the row is journaled.
        Durable.writeNew(temp, task.data);
        try {
          Files.move(
              temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Durable.syncFolder(target.getParent());
      } catch (IOException e) {
        Files.deleteIfExists(temp);
        if (DiskFullException.isFull(e)) {
          // Named by the output it was for: the temporary file is gone with the staging folder.
          throw new StageException(
              FailureKind.DISK_FULL.label(), new DiskFullException(target, e).getMessage());
        }
        throw e;
      } catch (RuntimeException e) {
        Files.deleteIfExists(temp);
        throw e;
      }
      task.outputPath = target.toString();
      task.bytesOut = task.data.length;
      task.data = null;
      return task;
    }
  }
}
