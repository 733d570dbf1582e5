package dev.forkline.pipelines.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.run.ParityRuns;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The url-scrape listing split into ranges and keyed steps: the same entries and rows. */
class SplitUrlListingTest {
  @TempDir Path dir;

  private static List<String> entries(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    UrlLists.read(file, e -> out.add(e.source() + " " + e.text() + " " + e.problem()));
    return out;
  }

  private static List<String> entriesByRange(Path file, long rangeBytes) throws IOException {
    List<String> out = new ArrayList<>();
    for (ListRange range : ListRange.plan(file, 0, rangeBytes)) {
      UrlLists.read(range, e -> out.add(e.source() + " " + e.text() + " " + e.problem()));
    }
    return out;
  }

  /** Random lines with every line ending, blank and comment lines, and bytes that are no UTF-8. */
  private static byte[] randomList(Random random, int lines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String[] ends = {"\n", "\r\n", "\r", "\n\n", "\r\r\n"};
    for (int i = 0; i < lines; i++) {
      int kind = random.nextInt(10);
      if (kind == 0) {
        out.writeBytes("# a comment".getBytes(StandardCharsets.UTF_8));
      } else if (kind == 1) {
        out.writeBytes(new byte[] {'h', (byte) 0xC3, '/', (byte) 0xFF});
      } else if (kind > 2) {
        String path = "x".repeat(random.nextInt(40));
        out.writeBytes(
            ("http://h" + random.nextInt(5) + ".example/" + path + "/caf\u00e9/" + i)
                .getBytes(StandardCharsets.UTF_8));
      }
      out.writeBytes(ends[random.nextInt(ends.length)].getBytes(StandardCharsets.US_ASCII));
    }
    if (random.nextBoolean()) {
      out.writeBytes("http://last.example/no-line-end".getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }

  @Test
  void rangesCutAtLineStartsAndNumberLinesAsTheWholeListDoes() throws IOException {
    Random random = new Random(7);
    for (int round = 0; round < 40; round++) {
      Path file = Files.write(dir.resolve("list" + round + ".txt"), randomList(random, 200));
      long rangeBytes = 1 + random.nextInt(300);
      List<ListRange> ranges = ListRange.plan(file, 0, rangeBytes);
      assertTrue(ranges.size() > 5, "a list of " + Files.size(file) + " bytes is split");
      assertEquals(entries(file), entriesByRange(file, rangeBytes), "list " + round);
      for (int i = 1; i < ranges.size(); i++) {
        assertEquals(ranges.get(i - 1).end(), ranges.get(i).start(), "ranges meet");
      }
    }
  }

  @Test
  void aListWithAByteOrderMarkReadsItOnlyInTheFirstRange() throws IOException {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(bom);
    for (int i = 0; i < 100; i++) {
      bytes.writeBytes(("http://a.example/" + i + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    Path file = Files.write(dir.resolve("bom.txt"), bytes.toByteArray());
    assertTrue(ListRange.plan(file, 0, 64).size() > 10);
    assertEquals(entries(file), entriesByRange(file, 64));
  }

  @Test
  void aUtf16ListWithoutAByteOrderMarkKeepsItsNulOnlyLinesAtACut() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      text.append("http://a.example/").append(i).append(i % 3 == 0 ? "\r\n" : "\n\n");
    }
    Path file = Files.write(dir.resolve("utf16-no-bom.txt"), text.toString().getBytes("UTF-16LE"));
    for (long rangeBytes = 1; rangeBytes < 200; rangeBytes += 7) {
      assertEquals(entries(file), entriesByRange(file, rangeBytes), "ranges of " + rangeBytes);
    }
  }

  @Test
  void csvAndUtf16ListsAreReadWhole() throws IOException {
    StringBuilder csv = new StringBuilder("name,url\n");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      csv.append("\"a\nb\",http://a.example/").append(i).append('\n');
      text.append("http://a.example/").append(i).append('\n');
    }
    Path csvFile = Files.writeString(dir.resolve("list.csv"), csv);
    Path csvByHeader = Files.writeString(dir.resolve("list.txt"), csv);
    ByteArrayOutputStream utf16 = new ByteArrayOutputStream();
    utf16.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE});
    utf16.writeBytes(text.toString().getBytes(StandardCharsets.UTF_16LE));
    Path utf16File = Files.write(dir.resolve("utf16.txt"), utf16.toByteArray());
    for (Path file : List.of(csvFile, csvByHeader, utf16File)) {
      List<ListRange> ranges = ListRange.plan(file, 3, 64);
      assertEquals(1, ranges.size(), file + " in one range");
      assertTrue(ranges.get(0).whole(), file + " read whole");
      assertEquals(entries(file), entriesByRange(file, 64), file.toString());
    }
  }

  @Test
  void aSplitListingMakesTheRowsOfASingleOne() throws Exception {
    // Three lists: duplicates within and across them, invalid URLs, a CSV list, and a list long
    // enough for 1 KiB ranges; the demo site answers some, 404s the rest.
    Map<String, IntFunction<String>> lists = new LinkedHashMap<>();
    lists.put(
        "a.txt",
        port ->
            "http://127.0.0.1:"
                + port
                + "/index.html\n"
                + "not a url\n"
                + "http://127.0.0.1:"
                + port
                + "/about.html\r\n"
                + "http://127.0.0.1:"
                + port
                + "/index.html\n"
                + "ftp://127.0.0.1/file\n");
    lists.put(
        "b.csv",
        port ->
            "url,note\n"
                + "http://127.0.0.1:"
                + port
                + "/about.html,again\n"
                + "http://127.0.0.1:"
                + port
                + "/faq.html,\"two\nlines\"\n"
                + "not a url,\n");
    lists.put(
        "c.txt",
        port -> {
          StringBuilder s = new StringBuilder();
          for (int i = 0; i < 120; i++) {
            s.append("http://127.0.0.1:").append(port).append("/missing/").append(i % 90);
            s.append(i % 7 == 0 ? "\r\n" : "\n");
          }
          return s.append("http://127.0.0.1:").append(port).append("/index.html\n").toString();
        });
    new ParityRuns(dir, "direct")
        .withOtherSets("listing=split", "url-scrape.list-range=1k")
        .scrapeLists(lists, List.of("url-scrape.delay=0s"), null);
  }
}
