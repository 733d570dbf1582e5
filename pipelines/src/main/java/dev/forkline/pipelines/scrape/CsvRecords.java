package dev.forkline.pipelines.scrape;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CSV records of a list's lines, read by Jackson's CSV parser (RFC 4180: fields in double
 * quotes may hold commas, doubled quotes and line breaks), each with the line it starts on.
 *
 * <p>A record the parser rejects (a quote that is never closed, text after a closing quote, a field
 * longer than Jackson's limit) comes back with its problem, and reading goes on at the line after
 * the one the record started on, with a new parser: so an unterminated quote costs its own line,
 * not the rest of the file. The lines from the current record's start on are kept for that restart.
 * A line {@link ListLines} could not decode comes back as a record of its own with its problem; the
 * parser sees the end of the input before it. Not thread-safe.
 */
final class CsvRecords {
  private static final CsvFactory CSV = new CsvFactory();

  /**
   * A record: the line it starts on, its fields and the text of that line; or, when {@code problem}
   * is not null, a line that is no record (fields null).
   */
  record Record(int line, List<String> fields, String text, String problem) {}

  private final ListLines lines;
  private final List<ListLines.Line> kept = new ArrayList<>();
  private int keptFrom = 1;
  private boolean linesEnded;
  private JsonParser parser;
  private LinesReader reader;
  private int base;
  private int recordStart = 1;

  /**
   * The records of {@code lines}; {@code first}, when not null, is their first line, read already.
   */
  CsvRecords(ListLines lines, ListLines.Line first) {
    this.lines = lines;
    if (first != null) {
      kept.add(first);
    }
  }

  /** The fields of {@code line} read as one CSV record; empty when it is none. */
  static List<String> parseLine(String line) {
    try (JsonParser p = CSV.createParser(line)) {
      List<String> fields = new ArrayList<>();
      if (p.nextToken() == JsonToken.START_ARRAY) {
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY && token != null) {
          fields.add(p.getText());
        }
      }
      return fields;
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The next record, or null after the last. */
  Record next() throws IOException {
    while (true) {
      if (parser == null) {
        ListLines.Line first = line(recordStart);
        if (first == null) {
          return null;
        }
        if (first.problem() != null) {
          int at = recordStart;
          recordStart++;
          dropBefore(recordStart);
          return new Record(at, null, first.text(), first.problem());
        }
        base = recordStart;
        reader = new LinesReader(base);
        parser = CSV.createParser(reader);
      }
      int start = recordStart;
      try {
        JsonToken token = parser.nextToken();
        if (token == null) {
          parser.close();
          parser = null;
          // The reader stopped at an undecodable line (reported above next time) or at the end.
          recordStart = reader.next;
          continue;
        }
        List<String> fields = new ArrayList<>();
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
          fields.add(parser.getText());
        }
        // After a record the parser stands at the start of the next line.
        recordStart = base + parser.currentLocation().getLineNr() - 1;
        String text = line(start).text();
        dropBefore(recordStart);
        return new Record(start, fields, text, null);
      } catch (JsonProcessingException e) {
        parser.close();
        parser = null;
        String text = line(start).text();
        recordStart = start + 1;
        dropBefore(recordStart);
        return new Record(start, null, text, problem(e, start));
      }
    }
  }

  private String problem(JsonProcessingException e, int start) {
    String why;
    JsonLocation at = e.getLocation();
    int line = at == null ? start : base + at.getLineNr() - 1;
    if (e instanceof StreamConstraintsException) {
      why =
          "a field runs on past "
              + String.format(Locale.ROOT, "%,d", CSV.streamReadConstraints().getMaxStringLength())
              + " characters; is a quote that opens a field on this line never closed?";
    } else if (e.getOriginalMessage().startsWith("Missing closing quote")) {
      why =
          reader.stoppedAt == 0
              ? "a quote that opens a field on this line is never closed"
              : "a quote that opens a field on this line is not closed before line "
                  + reader.stoppedAt
                  + ", which cannot be read";
    } else if (line > start) {
      why =
          "a quoted field of this record runs on to line "
              + line
              + ", where the CSV parser found: "
              + e.getOriginalMessage()
              + "; is a quote on this line never closed?";
    } else {
      why = "malformed CSV: " + e.getOriginalMessage();
    }
    return why
        + "; a field that holds a comma, a quote or a line break is enclosed in double quotes, a"
        + " quote inside it doubled (\"\"); reading went on at the next line";
  }

  /** Line {@code number} (kept, or read next), or null after the last. */
  private ListLines.Line line(int number) throws IOException {
    while (keptFrom + kept.size() <= number) {
      if (linesEnded) {
        return null;
      }
      ListLines.Line line = lines.next();
      if (line == null) {
        linesEnded = true;
        return null;
      }
      kept.add(line);
    }
    return kept.get(number - keptFrom);
  }

  private void dropBefore(int number) {
    int drop = Math.min(kept.size(), number - keptFrom);
    if (drop > 0) {
      kept.subList(0, drop).clear();
      keptFrom += drop;
    }
  }

  /** The kept and next lines from one line on, each ending in LF, up to an undecodable line. */
  private final class LinesReader extends Reader {
    /** The number of the next line to hand out. */
    int next;

    /** The undecodable line the reader ended before; 0 while it has not. */
    int stoppedAt;

    private String current = "";
    private int offset;

    LinesReader(int from) {
      this.next = from;
    }

    @Override
    public int read(char[] into, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (offset == current.length()) {
        ListLines.Line line = line(next);
        if (line == null) {
          return -1;
        }
        if (line.problem() != null) {
          stoppedAt = line.number();
          return -1;
        }
        next++;
        current = line.text() + "\n";
        offset = 0;
      }
      int n = Math.min(len, current.length() - offset);
      current.getChars(offset, offset + n, into, off);
      offset += n;
      return n;
    }

    @Override
    public void close() {}
  }
}
