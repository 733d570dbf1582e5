package dev.forkline.pipelines.scrape;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reads URL lists: plain text with one URL per line ({@code #} starts a comment line, blank lines
 * are skipped), or CSV with a header row naming a {@code url} column ({@link CsvRecords}: RFC 4180
 * quoting, also quoted fields over several lines). A file is CSV when its name ends in {@code
 * .csv}, or when its first line is a header with a {@code url} column and a comma. The encoding
 * comes from a byte-order mark, else UTF-8 ({@link ListLines}).
 *
 * <p>Every line is accounted for: a line that cannot be decoded, or a CSV record that cannot be
 * parsed, becomes an entry with a problem (one per such line, the failed row {@code
 * invalid-list-line}) and reading goes on at the next line.
 */
public final class UrlLists {
  private UrlLists() {}

  /**
   * One entry of a list: its text and the line it stands on; when {@code problem} is not null, a
   * line that could not be read (and {@code text} what could be made of it).
   */
  record Entry(String text, Path file, int line, String problem) {
    /** Where the entry stands, for the {@code source} column: {@code NAME:LINE}. */
    String source() {
      return file.getFileName() + ":" + line;
    }

    /** Where the entry stands with the list's whole path: {@code PATH:LINE}, unique per line. */
    String where() {
      return file + ":" + line;
    }
  }

  /** A list that cannot be read as a whole (bad CSV header): a config-level problem. */
  static final class ListException extends IOException {
    private static final long serialVersionUID = 1L;

    ListException(String message) {
      super(message);
    }
  }

  /**
   * What is wrong with a list as a whole, checked before a run: a CSV list (by name) whose header
   * cannot be read or has no {@code url} column. Null when the list can be read.
   */
  public static String headerProblem(Path file) {
    if (!csvName(file)) {
      return null;
    }
    try (ListLines lines = ListLines.open(file)) {
      CsvRecords.Record header = new CsvRecords(lines, null).next();
      if (header == null) {
        return null;
      }
      if (header.problem() != null) {
        return "'"
            + file
            + "' is a CSV list whose header row (line "
            + header.line()
            + ") cannot be read: "
            + header.problem();
      }
      if (urlColumn(header.fields()) < 0) {
        return "'"
            + file
            + "' is a CSV list whose header row "
            + header.fields()
            + " has no 'url' column; name the column of URLs 'url'";
      }
      return null;
    } catch (IOException e) {
      return "'" + file + "' cannot be read: " + e.getMessage();
    }
  }

  /** Streams every entry of {@code file} to {@code out}. */
  static void read(Path file, Consumer<Entry> out) throws IOException {
    try (ListLines lines = ListLines.open(file)) {
      ListLines.Line first = lines.next();
      if (first == null) {
        return;
      }
      if (csv(file, first)) {
        readCsv(file, new CsvRecords(lines, first), out);
      } else {
        readText(file, lines, first, out);
      }
    }
  }

  /**
   * Streams the entries of one range of a list to {@code out}: the whole list, or a range of a
   * plain-text list ({@link #readableInRanges}) from its first line to its last.
   */
  static void read(ListRange range, Consumer<Entry> out) throws IOException {
    Path file = Path.of(range.file());
    if (range.whole()) {
      read(file, out);
      return;
    }
    try (ListLines lines = ListLines.open(file, range.start(), range.end(), range.linesBefore())) {
      ListLines.Line first = lines.next();
      if (first != null) {
        readText(file, lines, first, out);
      }
    }
  }

  /**
   * Whether a list can be read in ranges: a plain-text list (not CSV, whose quoted fields may span
   * lines) of single-byte code units (UTF-8), whose lines end at the bytes LF and CR.
   */
  static boolean readableInRanges(Path file) throws IOException {
    try (ListLines lines = ListLines.open(file)) {
      ListLines.Line first = lines.next();
      return lines.bytewise() && (first == null || !csv(file, first));
    }
  }

  /** Whether a list is CSV: by its name, or by a first line that is a header with a url column. */
  private static boolean csv(Path file, ListLines.Line first) {
    return csvName(file)
        || (first.problem() == null
            && first.text().contains(",")
            && urlColumn(CsvRecords.parseLine(first.text())) >= 0);
  }

  private static void readText(
      Path file, ListLines lines, ListLines.Line first, Consumer<Entry> out) throws IOException {
    for (ListLines.Line line = first; line != null; line = lines.next()) {
      if (line.problem() != null) {
        out.accept(bad(file, line.number(), line.text(), line.problem()));
        continue;
      }
      String text = line.text().strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      out.accept(new Entry(text, file, line.number(), null));
    }
  }

  private static void readCsv(Path file, CsvRecords records, Consumer<Entry> out)
      throws IOException {
    CsvRecords.Record header = records.next();
    if (header == null) {
      return;
    }
    if (header.problem() != null) {
      throw new ListException(
          file + ":" + header.line() + ": the CSV header row cannot be read: " + header.problem());
    }
    int column = urlColumn(header.fields());
    if (column < 0) {
      throw new ListException(
          file
              + ": a CSV URL list needs a header row with a 'url' column; the header is "
              + header.fields());
    }
    CsvRecords.Record row;
    while ((row = records.next()) != null) {
      if (row.problem() != null) {
        out.accept(bad(file, row.line(), row.text(), row.problem()));
        continue;
      }
      List<String> fields = row.fields();
      String text = column < fields.size() ? fields.get(column).strip() : "";
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      out.accept(new Entry(text, file, row.line(), null));
    }
  }

  /** An entry for a line that cannot be read; its text shortened to what a row should hold. */
  private static Entry bad(Path file, int line, String text, String problem) {
    String shown =
        text.length() > UrlNormalizer.MAX_LENGTH
            ? text.substring(0, UrlNormalizer.MAX_LENGTH) + "..."
            : text;
    return new Entry(shown, file, line, problem);
  }

  private static boolean csvName(Path file) {
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
  }

  private static int urlColumn(List<String> header) {
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).strip().equalsIgnoreCase("url")) {
        return i;
      }
    }
    return -1;
  }
}
