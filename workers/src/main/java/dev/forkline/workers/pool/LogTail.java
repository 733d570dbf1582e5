package dev.forkline.workers.pool;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The last lines of a worker's log file, which failures carry. */
final class LogTail {

  static final int MAX_BYTES = 4096;
  static final int MAX_LINES = 20;

  private LogTail() {}

  /** The last {@link #MAX_LINES} lines within the last {@link #MAX_BYTES} bytes; "" if none. */
  static String read(Path log) {
    byte[] bytes;
    boolean cut;
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long length = file.length();
      int n = (int) Math.min(length, MAX_BYTES);
      cut = length > n;
      bytes = new byte[n];
      file.seek(length - n);
      file.readFully(bytes);
    } catch (IOException e) {
      return "";
    }
    String text = new String(bytes, StandardCharsets.UTF_8).replace("\r\n", "\n");
    if (text.endsWith("\n")) {
      text = text.substring(0, text.length() - 1);
    }
    String[] lines = text.split("\n", -1);
    int first = Math.max(cut ? 1 : 0, lines.length - MAX_LINES);
    return String.join("\n", java.util.Arrays.copyOfRange(lines, first, lines.length));
  }
}
