package dev.forkline.pipelines.text;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table for the terminal: a header row, a line of {@code -}, then the rows, with
 * columns aligned and separated by two spaces. Cells are kept on one line (newlines, tabs and other
 * control characters are shown escaped, as {@code \n}, {@code \t}, ...) and may be cut to a maximum
 * width with {@code …}, so one odd value cannot break the layout. Used by {@code forkline inspect}
 * and by the end-of-run summary of {@code forkline run}.
 *
 * <pre>{@code
 * TextTable table = new TextTable(List.of("kind", "rows")).rightAlign(1);
 * table.addRow(List.of("ok", "1,200"));
 * out.print(table.render());
 * }</pre>
 */
public final class TextTable {
  private static final String GAP = "  ";
  private static final String ELLIPSIS = "…";

  private final List<String> headers;
  private final boolean[] rightAligned;
  private final List<List<String>> rows = new ArrayList<>();
  private int maxCellWidth;

  /** A table with these column headers and no rows; cells are not truncated until told to. */
  public TextTable(List<String> headers) {
    if (headers.isEmpty()) {
      throw new IllegalArgumentException("a table needs at least one column");
    }
    List<String> escaped = new ArrayList<>(headers.size());
    for (String header : headers) {
      escaped.add(escape(header));
    }
    this.headers = List.copyOf(escaped);
    this.rightAligned = new boolean[headers.size()];
  }

  /** Right-aligns column {@code column} (0-based), header included: use it for numbers. */
  public TextTable rightAlign(int column) {
    rightAligned[checkColumn(column)] = true;
    return this;
  }

  /**
   * Cuts cells longer than {@code width} characters to {@code width}, the last one being {@code …};
   * {@code 0} (the default) means never cut. Headers are never cut.
   */
  public TextTable maxCellWidth(int width) {
    if (width < 0 || width == 1) {
      throw new IllegalArgumentException("max cell width must be 0 (no limit) or 2+: " + width);
    }
    this.maxCellWidth = width;
    return this;
  }

  /** Adds a row with one cell per column; a {@code null} cell is shown empty. */
  public TextTable addRow(List<String> cells) {
    if (cells.size() != headers.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.size() + " cells, the table has " + headers.size() + " columns");
    }
    List<String> row = new ArrayList<>(cells.size());
    for (String cell : cells) {
      row.add(cut(escape(cell == null ? "" : cell)));
    }
    rows.add(row);
    return this;
  }

  /** The number of rows added so far (the header not counted). */
  public int rowCount() {
    return rows.size();
  }

  /** The table as lines without line terminators: header, separator, then one per row. */
  public List<String> lines() {
    int[] widths = new int[headers.size()];
    measure(headers, widths);
    for (List<String> row : rows) {
      measure(row, widths);
    }
    List<String> lines = new ArrayList<>(rows.size() + 2);
    lines.add(line(headers, widths));
    List<String> dashes = new ArrayList<>(widths.length);
    for (int width : widths) {
      dashes.add("-".repeat(width));
    }
    lines.add(line(dashes, widths));
    for (List<String> row : rows) {
      lines.add(line(row, widths));
    }
    return lines;
  }

  /** The table as text, each line ending with {@code \n}. */
  public String render() {
    StringBuilder text = new StringBuilder();
    for (String line : lines()) {
      text.append(line).append('\n');
    }
    return text.toString();
  }

  /** Prints the table to {@code out}, one {@code println} per line. */
  public void print(PrintWriter out) {
    for (String line : lines()) {
      out.println(line);
    }
  }

  private int checkColumn(int column) {
    if (column < 0 || column >= headers.size()) {
      throw new IndexOutOfBoundsException(
          "column " + column + " of a table with " + headers.size() + " columns");
    }
    return column;
  }

  private static void measure(List<String> cells, int[] widths) {
    for (int i = 0; i < widths.length; i++) {
      widths[i] = Math.max(widths[i], width(cells.get(i)));
    }
  }

  /** One line of the table, with no trailing spaces (empty cells at the end leave none). */
  private String line(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      String cell = cells.get(i);
      String padding = " ".repeat(widths[i] - width(cell));
      if (i > 0) {
        line.append(GAP);
      }
      if (rightAligned[i]) {
        line.append(padding).append(cell);
      } else {
        line.append(cell).append(padding);
      }
    }
    int end = line.length();
    while (end > 0 && line.charAt(end - 1) == ' ') {
      end--;
    }
    line.setLength(end);
    return line.toString();
  }

  private String cut(String cell) {
    if (maxCellWidth == 0 || width(cell) <= maxCellWidth) {
      return cell;
    }
    return cell.substring(0, cell.offsetByCodePoints(0, maxCellWidth - 1)) + ELLIPSIS;
  }

  /** The width of {@code text} on screen, counted in code points (wide CJK glyphs count one). */
  private static int width(String text) {
    return text.codePointCount(0, text.length());
  }

  /** Keeps {@code text} on one line: control characters become Java-style escapes. */
  static String escape(String text) {
    StringBuilder escaped = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isISOControl(c)) {
        if (escaped != null) {
          escaped.append(c);
        }
        continue;
      }
      if (escaped == null) {
        escaped = new StringBuilder(text.length() + 8).append(text, 0, i);
      }
      switch (c) {
        case '\n' -> escaped.append("\\n");
        case '\t' -> escaped.append("\\t");
        case '\r' -> escaped.append("\\r");
        default -> escaped.append(String.format("\\u%04x", (int) c));
      }
    }
    return escaped == null ? text : escaped.toString();
  }
}
