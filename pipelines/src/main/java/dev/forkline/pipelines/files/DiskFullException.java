package dev.forkline.pipelines.files;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A write that failed because its file system is full (ENOSPC) or the user's quota is used up
 * (EDQUOT). Not a failure of one input: every later write would fail too, so a run stops on it,
 * names {@link #path()} and keeps what it finished for {@code --resume}.
 */
public final class DiskFullException extends IOException {
  private static final long serialVersionUID = 1L;
  private static final String[] REASONS = {"No space left on device", "Disk quota exceeded"};

  private final String path;

  public DiskFullException(Path path, IOException cause) {
    super("no space left to write " + path + " (" + reason(cause) + ")", cause);
    this.path = path.toString();
  }

  /** One made again from the message of another (a failure that crossed a process or a row). */
  public DiskFullException(String message) {
    super(message);
    this.path = null;
  }

  /** The file or folder that could not be written, if known (the message names it). */
  public String path() {
    return path;
  }

  /** {@code e} as a {@link DiskFullException} naming {@code path} if it says the disk is full. */
  public static IOException ifFull(Path path, IOException e) {
    if (e instanceof DiskFullException || !isFull(e)) {
      return e;
    }
    return new DiskFullException(path, e);
  }

  /** Whether {@code t} or one of its causes says the disk is full. */
  public static boolean isFull(Throwable t) {
    return find(t) != null || reasonOf(t) != null;
  }

  /** The {@link DiskFullException} among {@code t} and its causes, or null. */
  public static DiskFullException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof DiskFullException d) {
        return d;
      }
    }
    return null;
  }

  private static String reasonOf(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String message =
          c instanceof FileSystemException f && f.getReason() != null
              ? f.getReason()
              : c.getMessage();
      if (message != null) {
        for (String reason : REASONS) {
          if (message.contains(reason)) {
            return reason;
          }
        }
      }
    }
    return null;
  }

  private static String reason(IOException e) {
    String reason = reasonOf(e);
    return reason == null ? String.valueOf(e.getMessage()) : reason;
  }
}
