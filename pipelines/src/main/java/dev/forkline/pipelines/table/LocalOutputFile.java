package dev.forkline.pipelines.table;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A local file as a Parquet output, written straight through a buffer (Hadoop's local file system
 * would add a {@code .crc} file beside it, and an unbuffered channel costs a system call for each
 * of the page headers' many small writes); remembers its stream so a failed writer can close it.
 */
final class LocalOutputFile implements OutputFile {
  private final Path file;
  private OutputStream stream;

  LocalOutputFile(Path file) {
    this.file = file;
  }

  Path path() {
    return file;
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) throws IOException {
    return open(StandardOpenOption.CREATE_NEW);
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
    return open(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
  }

  @Override
  public boolean supportsBlockSize() {
    return false;
  }

  @Override
  public long defaultBlockSize() {
    return 0;
  }

  /** Whether this opened (and so made) the file. */
  boolean opened() {
    return stream != null;
  }

  /** Closes the stream if it was opened, ignoring failures: for clean-up after one. */
  void closeQuietly() {
    if (stream != null) {
      try {
        stream.close();
      } catch (IOException e) {
        // the caller deletes the file
      }
    }
  }

  private PositionOutputStream open(StandardOpenOption... options) throws IOException {
    OpenOption[] all = Arrays.copyOf(options, options.length + 1, OpenOption[].class);
    all[options.length] = StandardOpenOption.WRITE;
    OutputStream out = new BufferedOutputStream(Files.newOutputStream(file, all), 1 << 16);
    stream = out;
    return new PositionOutputStream() {
      private long pos;

      @Override
      public long getPos() {
        return pos;
      }

      @Override
      public void write(int b) throws IOException {
        out.write(b);
        pos++;
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        pos += len;
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }
}
