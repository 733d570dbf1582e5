package dev.forkline.pipelines.scrape;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reads URL lists: plain text with one URL per line ({@code #} starts a comment line, blank lines
 * are skipped), or CSV with a header row naming a {@code url} column (RFC 4180 quoting, also quoted
 * fields over several lines). A file is CSV when its name ends in {@code .csv}, or when its first
 * line is a header with a {@code url} column and a comma.
 */
public final class UrlLists {
  private UrlLists() {}

  /** One entry of a list: the text and where it stands. */
  record Entry(String text, String source) {}

  /** A list that cannot be read as a whole (bad CSV header): a config-level problem. */
  static final class ListException extends IOException {
    private static final long serialVersionUID = 1L;

    ListException(String message) {
      super(message);
    }
  }

  /**
   * What is wrong with a list as a whole, checked before a run: a CSV list (by name) whose header
   * has no {@code url} column. Null when the list can be read.
   */
  public static String headerProblem(Path file) {
    if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
      return null;
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = in.readLine();
      if (first == null) {
        return null;
      }
      List<String> header = parseCsvLine(first.replace("\uFEFF", ""));
      if (urlColumn(header) < 0) {
        return "'"
            + file
            + "' is a CSV list whose header row "
            + header
            + " has no 'url' column; name the column of URLs 'url'";
      }
      return null;
    } catch (IOException e) {
      return "'" + file + "' cannot be read as UTF-8 text: " + e.getMessage();
    }
  }

  /** Streams every entry of {@code file} to {@code out}. */
  static void read(Path file, Consumer<Entry> out) throws IOException {
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    try (BufferedReader in =
        new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
      in.mark(1 << 16);
      String first = in.readLine();
      in.reset();
      if (first == null) {
        return;
      }
      if (first.startsWith("\uFEFF")) {
        in.skip(1);
        first = first.substring(1);
      }
      boolean csv =
          file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")
              || (first.contains(",") && urlColumn(parseCsvLine(first)) >= 0);
      if (csv) {
        readCsv(file, in, out);
      } else {
        readText(file, in, out);
      }
    }
  }

  private static void readText(Path file, BufferedReader in, Consumer<Entry> out)
      throws IOException {
    String line;
    int number = 0;
    while ((line = in.readLine()) != null) {
      number++;
      String text = line.strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      out.accept(new Entry(text, file.getFileName() + ":" + number));
    }
  }

  private static void readCsv(Path file, BufferedReader in, Consumer<Entry> out)
      throws IOException {
    CsvReader csv = new CsvReader(in);
    List<String> header = csv.next();
    if (header == null) {
      return;
    }
    int column = urlColumn(header);
    if (column < 0) {
      throw new ListException(
          file
              + ": a CSV URL list needs a header row with a 'url' column; the header is "
              + header);
    }
    List<String> row;
    while ((row = csv.next()) != null) {
      int line = csv.startLine();
      if (row.size() == 1 && row.get(0).isBlank()) {
        continue;
      }
      String text = column < row.size() ? row.get(column).strip() : "";
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      out.accept(new Entry(text, file.getFileName() + ":" + line));
    }
  }

  private static int urlColumn(List<String> header) {
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).strip().equalsIgnoreCase("url")) {
        return i;
      }
    }
    return -1;
  }

  static List<String> parseCsvLine(String line) {
    try {
      List<String> row = new CsvReader(new java.io.StringReader(line)).next();
      return row == null ? List.of() : row;
    } catch (IOException e) {
      return List.of();
    }
  }

  /** A small RFC 4180 reader: quoted fields, doubled quotes, line breaks inside quotes. */
  static final class CsvReader {
    private final Reader in;
    private int line = 1;
    private int startLine;
    private int pending = -2;

    CsvReader(Reader in) {
      this.in = in;
    }

    int startLine() {
      return startLine;
    }

    private int read() throws IOException {
      if (pending != -2) {
        int c = pending;
        pending = -2;
        return c;
      }
      return in.read();
    }

    /** The next record, or null at the end. */
    List<String> next() throws IOException {
      int c = read();
      if (c == -1) {
        return null;
      }
      startLine = line;
      List<String> row = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      boolean wasQuoted = false;
      while (true) {
        if (c == -1) {
          row.add(field.toString());
          return row;
        }
        if (quoted) {
          if (c == '"') {
            int d = read();
            if (d == '"') {
              field.append('"');
            } else {
              quoted = false;
              pending = d;
            }
          } else {
            if (c == '\n') {
              line++;
            }
            field.append((char) c);
          }
        } else if (c == '"' && field.length() == 0 && !wasQuoted) {
          quoted = true;
          wasQuoted = true;
        } else if (c == ',') {
          row.add(field.toString());
          field.setLength(0);
          wasQuoted = false;
        } else if (c == '\r') {
          int d = read();
          if (d != '\n') {
            pending = d;
          }
          line++;
          row.add(field.toString());
          return row;
        } else if (c == '\n') {
          line++;
          row.add(field.toString());
          return row;
        } else {
          field.append((char) c);
        }
        c = read();
      }
    }
  }
}
