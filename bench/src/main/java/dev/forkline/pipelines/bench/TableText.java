package dev.forkline.pipelines.bench;

import dev.forkline.pipelines.text.TextTable;
import java.util.List;

/** A table of cells (first line: headers) as aligned text, for the console, or GitHub Markdown. */
final class TableText {
  private TableText() {}

  static String text(List<List<String>> table) {
    TextTable t = new TextTable(table.get(0));
    for (int i = 1; i < table.size(); i++) {
      t.addRow(table.get(i));
    }
    return t.render();
  }

  /** '|' in cells is escaped. */
  static String markdown(List<List<String>> table) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < table.size(); i++) {
      out.append('|');
      for (String cell : table.get(i)) {
        out.append(' ').append(cell.replace("|", "\\|")).append(" |");
      }
      out.append('\n');
      if (i == 0) {
        out.append('|');
        out.append(" --- |".repeat(table.get(0).size()));
        out.append('\n');
      }
    }
    return out.toString();
  }
}
