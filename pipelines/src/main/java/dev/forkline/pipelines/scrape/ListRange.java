package dev.forkline.pipelines.scrape;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A part of a URL list that one task of a split listing reads: the bytes {@code [start, end)} of
 * list number {@code index}, beginning at a line start, whose first line is number {@code
 * linesBefore + 1}; or the whole list ({@code whole}), for a list read only from its start (CSV,
 * whose quoted fields may span lines, and UTF-16 or UTF-32 lists).
 */
record ListRange(String file, int index, long start, long end, int linesBefore, boolean whole)
    implements Serializable {

  /**
   * The ranges of about {@code rangeBytes} each that {@code file} (list number {@code index}) is
   * read in: cut at line starts, counted as {@link ListLines} counts lines (a line ends at LF, CR
   * LF or CR), so a range's first line number is the number of line ends before it plus one.
   */
  static List<ListRange> plan(Path file, int index, long rangeBytes) throws IOException {
    if (Files.size(file) <= rangeBytes || !UrlLists.readableInRanges(file)) {
      return List.of(new ListRange(file.toString(), index, 0, Long.MAX_VALUE, 0, true));
    }
    List<ListRange> ranges = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      long position = 0;
      long start = 0;
      int linesBefore = 0;
      int lines = 0;
      byte previous = 0;
      for (int n; (n = in.read(buffer)) > 0; position += n) {
        for (int i = 0; i < n; i++) {
          byte b = buffer[i];
          boolean lineStart = previous == '\n' || (previous == '\r' && b != '\n');
          if (lineStart && position + i - start >= rangeBytes) {
            ranges.add(
                new ListRange(file.toString(), index, start, position + i, linesBefore, false));
            start = position + i;
            linesBefore = lines;
          }
          if (b == '\r' || (b == '\n' && previous != '\r')) {
            lines++; // the LF of a CR LF ends no line of its own
          }
          previous = b;
        }
      }
      ranges.add(new ListRange(file.toString(), index, start, position, linesBefore, false));
    }
    return ranges;
  }

  /** Where this range's entries come first: list, then line. */
  static long order(int index, int line) {
    return ((long) index << 32) | (line & 0xFFFFFFFFL);
  }
}
