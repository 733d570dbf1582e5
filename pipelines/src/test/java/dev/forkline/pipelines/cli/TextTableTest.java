package dev.forkline.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.forkline.pipelines.text.TextTable;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextTableTest {
  @Test
  void alignsColumnsAndRightAlignsTheOnesAskedFor() {
    TextTable table = new TextTable(List.of("kind", "rows", "note")).rightAlign(1);
    table.addRow(List.of("ok", "1,200", "fine"));
    table.addRow(Arrays.asList("timeout", "3", null));

    assertEquals(
        "kind      rows  note\n"
            + "-------  -----  ----\n"
            + "ok       1,200  fine\n"
            + "timeout      3\n",
        table.render());
  }

  @Test
  void cutsLongCellsCountingCharactersNotUtf16Units() {
    TextTable table = new TextTable(List.of("v")).maxCellWidth(4);
    table.addRow(List.of("😀😀😀😀😀"));
    table.addRow(List.of("abcd"));

    assertEquals(List.of("v", "----", "😀😀😀…", "abcd"), table.lines());
  }

  @Test
  void escapesControlCharactersSoEachRowStaysOnOneLine() {
    TextTable table = new TextTable(List.of("v"));
    table.addRow(List.of("a\r\nb\tc\u0007"));

    assertEquals("a\\r\\nb\\tc\\u0007", table.lines().get(2));
  }

  @Test
  void rejectsARowWithTheWrongNumberOfCells() {
    TextTable table = new TextTable(List.of("a", "b"));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> table.addRow(List.of("x")));

    assertEquals("row has 1 cells, the table has 2 columns", e.getMessage());
  }
}
