package dev.forkline.pipelines.scrape;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The demo site's access log: one line per answered request, flushed as written, so a reader sees
 * every finished one.
 */
final class DemoAccessLog {
  private final java.io.Writer out;

  DemoAccessLog(Path file) throws IOException {
    out =
        Files.newBufferedWriter(
            file,
            StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
  }

  synchronized void write(java.time.Instant start, String host, String path, int status, long ms) {
    try {
      out.write(
          String.format(
              Locale.ROOT,
              "%d.%06d %s %s %d %d%n",
              start.getEpochSecond(),
              start.getNano() / 1000,
              host,
              path,
              status,
              ms));
      out.flush();
    } catch (IOException e) {
      // a full disk loses log lines, not answers
    }
  }

  synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      // nothing left to save
    }
  }
}
