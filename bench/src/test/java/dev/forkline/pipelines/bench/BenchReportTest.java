package dev.forkline.pipelines.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.bench.BenchReport.Cell;
import dev.forkline.pipelines.bench.BenchReport.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchReportTest {

  private static Cell cell(String executor, long elements, double wall, double startup) {
    return new Cell(executor, "x", elements, 0, wall, startup, wall, 100 << 20, 0, 0, "");
  }

  private static final Row IO =
      new Row(
          "io",
          "io",
          1280,
          List.of(
              cell("inline", 40, 4.0, 0.5),
              cell("threads", 2000, 2.5, 0.9),
              Cell.skipped("processes", "not offered, here")));

  private static final Row CPU =
      new Row(
          "cpu",
          "cpu",
          0,
          List.of(
              cell("inline", 10, 5.0, 1.0),
              cell("threads", 100, 10.0, 1.0),
              cell("processes", 100, 20.0, 3.0)));

  @Test
  void theWinnerIsTheFastestMeasuredCellAndTheRatioIsToTheNextBest() {
    assertEquals("threads", CPU.winner().executor());
    assertEquals("processes", CPU.runnerUp().executor());
    assertEquals("threads, 2.00x processes", CPU.verdict());
    // the skipped processes cell is neither winner nor runner-up
    assertEquals("threads, 80.00x inline", IO.verdict());
  }

  @Test
  void aRowWithNothingMeasuredHasNoWinner() {
    Row none = new Row("none", "io", 0, List.of(Cell.skipped("inline", "no")));
    assertNull(none.winner());
    assertEquals("-", none.verdict());
  }

  @Test
  void steadyRateLeavesTheStartUpOut() {
    // 2000 elements, 2.5 s run, 0.9 s of it fixed: 1999 / 1.6 s
    assertEquals(1999 / 1.6, IO.cell("threads").steadyPerSecond(), 1e-9);
    assertEquals(0, cell("threads", 10, 1.0, 2.0).steadyPerSecond());
    assertEquals(0, cell("threads", 1, 1.0, 0.5).steadyPerSecond());
  }

  @Test
  void summaryShowsRatesAndNaForCellsNotRun() {
    List<List<String>> s = BenchReport.summary(List.of(IO, CPU));
    assertEquals(List.of("io", "10.0/s", "800/s", "n/a", "threads, 80.00x inline"), s.get(1));
    assertEquals(List.of("cpu", "2.0/s", "10.0/s", "5.0/s", "threads, 2.00x processes"), s.get(2));
  }

  @Test
  void detailsGiveTheShareOfTheLittlesLawBound() {
    List<List<String>> d = BenchReport.details(List.of(IO), 2);
    List<String> threads = d.get(2);
    assertEquals("threads", threads.get(1));
    // steady 1249.4/s of 1280/s
    assertTrue(
        threads.get(threads.size() - 1).contains("98 % of the 1,280/s bound"), threads.toString());
    assertEquals(d.get(0).size(), threads.size());
    assertEquals(d.get(0).size(), d.get(3).size());
  }

  @Test
  void csvQuotesNotesAndKeepsOneColumnCount() {
    String[] lines = BenchReport.csv(List.of(IO, CPU), 2).split("\n");
    assertEquals(1 + 6, lines.length);
    assertTrue(lines[3].endsWith(",\"not offered, here\""), lines[3]);
    int columns = lines[0].split(",").length;
    assertEquals(columns, lines[1].split(",", -1).length);
  }

  @Test
  void markdownHasAHeaderRuleAndEscapesPipes() {
    String md = BenchReport.markdown(List.of(List.of("a", "b"), List.of("x|y", "z")));
    assertEquals("| a | b |\n| --- | --- |\n| x\\|y | z |\n", md);
  }

  @Test
  void svgDrawsABarPerMeasuredCell() {
    String svg = BenchReport.svg(List.of(IO, CPU), "t <&>");
    assertTrue(svg.startsWith("<svg"));
    assertTrue(svg.contains("t &lt;&amp;&gt;"));
    // 5 measured cells + 3 legend squares + the background
    assertEquals(5 + 3 + 1, svg.split("<rect").length - 1);
    assertTrue(svg.contains(">n/a<"));
  }

  private static BenchReport.HostsRow hosts(String name, double bound, double wall) {
    return new BenchReport.HostsRow(
        name, 2000, 0, bound, 2.0, wall, wall - 0.2, Double.NaN, 0.5, 3.0, 500 << 20);
  }

  @Test
  void aManyHostsCaseMeetsTheTargetAtOnePointTwoTimesTheBoundPlusStartUp() {
    BenchReport.HostsRow met = hosts("grouped", 9.5, 13.4);
    BenchReport.HostsRow missed = hosts("grouped", 9.5, 13.5);
    assertEquals(13.4, met.target(), 1e-9);
    assertTrue(met.met());
    assertTrue(!missed.met());
    assertEquals((13.5 - 2.0) / 9.5, missed.timesBound(), 1e-9);
  }

  @Test
  void theManyHostsTableSaysWhetherEachCaseMetItsTargetAndLeavesUnknownsBlank() {
    List<List<String>> t =
        BenchReport.hosts(List.of(hosts("1 URL", 0, 2.0), hosts("grouped", 9.5, 66.3)));
    assertEquals("start-up", t.get(1).get(12));
    assertEquals("-", t.get(1).get(5));
    assertEquals(
        List.of("grouped", "2000", "9.50", "13.40", "66.30", "6.77"), t.get(2).subList(0, 6));
    assertEquals("-", t.get(2).get(8)); // no slow host
    assertEquals("target missed", t.get(2).get(12));
  }

  @Test
  void theFindingsGiveWhatTheSlowHostCostTheFastOnes() {
    String s =
        BenchReport.hostsFindings(
            List.of(hosts("fast alone: 20 hosts", 9.5, 12.0), hosts("mix: the fast", 10, 14.0)));
    assertTrue(s.contains("cost the fast hosts +2.00 s"), s);
    assertTrue(s.contains("at 13.80 s with it, 11.80 s alone"), s);
  }
}
