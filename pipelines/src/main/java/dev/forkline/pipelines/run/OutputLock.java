package dev.forkline.pipelines.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on an output folder for the length of a run ({@code .forkline.lock}, an OS file
 * lock, so a killed run releases it). While it is held, leftovers of killed runs in the folder can
 * be deleted safely.
 */
final class OutputLock implements AutoCloseable {
  static final String FILE = ".forkline.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private OutputLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, or fails at once naming the process that holds it. */
  static OutputLock acquire(Path output) {
    Path file = output.resolve(FILE);
    try {
      FileChannel channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by another run in this same JVM
      }
      if (lock == null) {
        String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
        channel.close();
        throw new OutputFolderException(
            "another forkline run"
                + (holder.isEmpty() ? "" : " (" + holder + ")")
                + " is writing to "
                + output
                + "; wait for it to finish or choose another output folder");
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              ("pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)),
          0);
      return new OutputLock(channel, lock);
    } catch (IOException e) {
      throw new OutputFolderException(
          "cannot lock the output folder " + output + " (" + file + "): " + e.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // Closing the channel releases the lock in any case.
    }
  }
}
