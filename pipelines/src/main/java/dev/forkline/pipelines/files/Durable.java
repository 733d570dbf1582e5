package dev.forkline.pipelines.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes that survive a power cut or a kernel crash: a file's bytes are forced to the disk before
 * it is renamed into place, and the folder after, so its new name is on the disk too (a rename is
 * atomic, but only the folder's own fsync makes it durable). Without these, ext4 and XFS may come
 * back from a crash with the new name pointing at an empty file.
 */
public final class Durable {
  private Durable() {}

  /** Writes {@code data} into a new file and forces it to the disk. */
  public static void writeNew(Path file, byte[] data) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(data);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(false);
    } catch (IOException e) {
      throw DiskFullException.ifFull(file, e);
    }
  }

  /** Forces a written file's bytes and size to the disk. */
  public static void sync(Path file) throws IOException {
    force(file);
  }

  /**
   * Creates {@code folder} and its missing parents, each made durable in its own parent, so an
   * output renamed into it after a crash is not in a folder that was never written down.
   */
  public static void createFolders(Path folder) throws IOException {
    Path absolute = folder.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      return;
    }
    Path parent = absolute.getParent();
    if (parent != null) {
      createFolders(parent);
    }
    try {
      Files.createDirectory(absolute);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(absolute)) {
        throw e;
      }
      return; // another thread made it
    } catch (IOException e) {
      throw DiskFullException.ifFull(absolute, e);
    }
    if (parent != null) {
      syncFolder(parent);
    }
  }

  /** Forces a folder's entries (names just created, renamed or deleted) to the disk. */
  public static void syncFolder(Path folder) throws IOException {
    force(folder);
  }

  /** fsync through a read-only descriptor: Linux syncs a file or a folder that way alike. */
  private static void force(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      throw DiskFullException.ifFull(path, e);
    }
  }
}
