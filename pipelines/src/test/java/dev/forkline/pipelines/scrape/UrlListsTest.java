package dev.forkline.pipelines.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading URL lists from real files: encodings, CSV records, and lines that cannot be read. */
class UrlListsTest {
  @TempDir Path dir;

  /** A list with a comment, a blank line and every line ending (LF, CR LF, CR). */
  private static final String LIST =
      "# the shop\nhttp://a.example/\n\nhttps://b.example/x?y=1\r\nhttp://c.example/\r"
          + "http://d.example/caf\u00e9\n";

  private static final List<String> LIST_ENTRIES =
      List.of(
          "list.txt:2 http://a.example/",
          "list.txt:4 https://b.example/x?y=1",
          "list.txt:5 http://c.example/",
          "list.txt:6 http://d.example/caf\u00e9");

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private Path write(String name, String text) throws IOException {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static List<UrlLists.Entry> read(Path file) throws IOException {
    List<UrlLists.Entry> entries = new ArrayList<>();
    UrlLists.read(file, entries::add);
    return entries;
  }

  /** Each entry as "SOURCE TEXT", or "SOURCE BAD" for a line that could not be read. */
  private static List<String> described(List<UrlLists.Entry> entries) {
    return entries.stream()
        .map(e -> e.source() + " " + (e.problem() == null ? e.text() : "BAD"))
        .toList();
  }

  @Test
  void aUtf8TextListGivesOneEntryPerUrlLine() throws Exception {
    assertEquals(LIST_ENTRIES, described(read(write("list.txt", LIST))));
  }

  @ParameterizedTest
  @CsvSource({
    "UTF-8, EFBBBF",
    "UTF-16LE, FFFE",
    "UTF-16BE, FEFF",
    "UTF-32LE, FFFE0000",
    "UTF-32BE, 0000FEFF"
  })
  void aListWithAByteOrderMarkReadsAsItsUtf8Twin(String charset, String bom) throws Exception {
    Path file =
        write(
            "list.txt",
            concat(HexFormat.of().parseHex(bom), LIST.getBytes(Charset.forName(charset))));

    assertEquals(LIST_ENTRIES, described(read(file)));
  }

  @Test
  void aUtf16CsvListWithAByteOrderMarkIsReadByItsHeader() throws Exception {
    String csv = "id,url\n1,http://a.example/\n2,\"http://b.example/\"\n";
    Path file =
        write(
            "list.csv",
            concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, csv.getBytes(StandardCharsets.UTF_16LE)));

    assertNull(UrlLists.headerProblem(file));
    assertEquals(
        List.of("list.csv:2 http://a.example/", "list.csv:3 http://b.example/"),
        described(read(file)));
  }

  @Test
  void undecodableBytesFailTheirLineNamingItAndTheNextLinesAreRead() throws Exception {
    Path file =
        write(
            "list.txt",
            concat(
                "http://a.example/\nhttp://caf".getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 0xE9},
                ".example/\nhttp://b.example/\n".getBytes(StandardCharsets.US_ASCII)));

    List<UrlLists.Entry> entries = read(file);

    assertEquals(
        List.of("list.txt:1 http://a.example/", "list.txt:2 BAD", "list.txt:3 http://b.example/"),
        described(entries));
    UrlLists.Entry bad = entries.get(1);
    assertEquals(file + ":2", bad.where());
    assertEquals("http://caf\uFFFD.example/", bad.text());
    assertTrue(
        bad.problem().contains("not valid UTF-8: byte 11 of the line (0xE9)"), bad.problem());
  }

  @Test
  void aUtf16ListWithoutAByteOrderMarkFailsEveryLineSayingSo() throws Exception {
    Path file =
        write(
            "list.txt",
            "http://a.example/\nhttp://b.example/\n".getBytes(StandardCharsets.UTF_16LE));

    List<UrlLists.Entry> entries = read(file);

    assertEquals(2, entries.size(), "one row per line, no phantom: " + entries);
    for (UrlLists.Entry e : entries) {
      assertTrue(
          e.problem() != null && e.problem().contains("UTF-16 without a byte-order mark"),
          e.source() + ": " + e.problem());
      assertFalse(e.text().contains("\0"), e.text());
    }
    assertEquals("http://a.example/", entries.get(0).text());
  }

  @Test
  void aUtf32CodeUnitWithItsHighBitSetFailsItsLineAlone() throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    bytes.write(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0}); // UTF-32LE BOM
    bytes.write("http://a.example/1\n".getBytes("UTF-32LE"));
    bytes.write(new byte[] {0x41, 0, 0, (byte) 0x80}); // no character
    bytes.write("\nhttp://a.example/2\nhttp://a.example/3\n".getBytes("UTF-32LE"));
    Path file = write("list.txt", bytes.toByteArray());

    List<UrlLists.Entry> entries = read(file);

    assertEquals(4, entries.size(), entries.toString());
    assertNull(entries.get(0).problem());
    assertTrue(entries.get(1).problem() != null, entries.get(1).toString());
    assertEquals("http://a.example/2", entries.get(2).text());
    assertEquals("http://a.example/3", entries.get(3).text());
  }

  @Test
  void aBrokenUtf16LineFailsAloneToo() throws Exception {
    byte[] lone = "http://x.example/\uD800\n".getBytes(StandardCharsets.UTF_16LE);
    // getBytes replaces the lone surrogate: put it back.
    lone[34] = 0x00;
    lone[35] = (byte) 0xD8;
    Path file =
        write(
            "list.txt",
            concat(
                new byte[] {(byte) 0xFF, (byte) 0xFE},
                "http://a.example/\n".getBytes(StandardCharsets.UTF_16LE),
                lone,
                "http://b.example/\n".getBytes(StandardCharsets.UTF_16LE),
                new byte[] {0x41}));

    List<UrlLists.Entry> entries = read(file);

    assertEquals(
        List.of(
            "list.txt:1 http://a.example/",
            "list.txt:2 BAD",
            "list.txt:3 http://b.example/",
            "list.txt:4 BAD"),
        described(entries));
    assertTrue(entries.get(1).problem().contains("not valid UTF-16LE"), entries.get(1).problem());
  }

  @Test
  void aCsvFieldInQuotesMayHoldCommasQuotesAndLineBreaks() throws Exception {
    Path file =
        write(
            "list.csv",
            "id,url,note\n"
                + "1,\"http://a.example/?q=1,2\",\"two\nlines, and \"\"quotes\"\"\"\n"
                + "2,http://b.example/,x\r\n"
                + "3,\"http://c.example/\"\n"
                + "\n"
                + "4,# a comment row\n"
                + "5,\n");

    assertEquals(
        List.of(
            "list.csv:2 http://a.example/?q=1,2",
            "list.csv:4 http://b.example/",
            "list.csv:5 http://c.example/"),
        described(read(file)));
  }

  @Test
  void aQuoteInsideAnUnquotedFieldIsKeptAsText() throws Exception {
    Path file = write("list.csv", "url,note\nhttp://a.example/say\"hi\",x\nhttp://b.example/,y\n");

    assertEquals(
        List.of("list.csv:2 http://a.example/say\"hi\"", "list.csv:3 http://b.example/"),
        described(read(file)));
  }

  /** A CSV list of 10 lines: the header, then {@code bad} on line {@code badLine}, URLs else. */
  private static String tenLines(int badLine, String bad, boolean quotedLine6) {
    StringBuilder csv = new StringBuilder("id,url,note\n");
    for (int line = 2; line <= 10; line++) {
      if (line == badLine) {
        csv.append(bad);
      } else if (line == 6 && quotedLine6) {
        csv.append("6,\"http://u6.example/\",\"a, b\"");
      } else {
        csv.append(line).append(",http://u").append(line).append(".example/,x");
      }
      csv.append('\n');
    }
    return csv.toString();
  }

  private static List<String> tenLinesEntries(int badLine) {
    List<String> expected = new ArrayList<>();
    for (int line = 2; line <= 10; line++) {
      expected.add(
          "list.csv:" + line + " " + (line == badLine ? "BAD" : "http://u" + line + ".example/"));
    }
    return expected;
  }

  @Test
  void anUnterminatedQuoteCostsItsOwnLineOnly() throws Exception {
    Path file = write("list.csv", tenLines(3, "3,http://u3.example/,\"never closed", false));

    List<UrlLists.Entry> entries = read(file);

    assertEquals(tenLinesEntries(3), described(entries));
    assertTrue(entries.get(1).problem().contains("never closed"), entries.get(1).problem());
    assertEquals("3,http://u3.example/,\"never closed", entries.get(1).text());
  }

  @Test
  void anUnterminatedQuoteBeforeLaterQuotesCostsItsOwnLineOnly() throws Exception {
    // The quote of line 3 pairs with the first quote of line 6, which the parser then rejects.
    Path file = write("list.csv", tenLines(3, "3,\"http://u3.example/,x", true));

    List<UrlLists.Entry> entries = read(file);

    assertEquals(tenLinesEntries(3), described(entries));
    assertTrue(entries.get(1).problem().contains("runs on to line 6"), entries.get(1).problem());
  }

  @Test
  void textAfterAClosingQuoteFailsItsLine() throws Exception {
    Path file = write("list.csv", tenLines(4, "4,\"http://u4.example/\"x,y", true));

    List<UrlLists.Entry> entries = read(file);

    assertEquals(tenLinesEntries(4), described(entries));
    assertTrue(
        entries.get(2).problem().contains("malformed CSV")
            && entries.get(2).problem().contains("Unexpected character ('x'"),
        entries.get(2).problem());
  }

  @Test
  void everyLineIsAccountedFor() throws Exception {
    Path file =
        write(
            "list.csv",
            concat(
                ("id,url\n"
                        + "1,http://a.example/\n"
                        + "2,\"http://b.example/\n"
                        + "3,http://c.example/\n"
                        + "4,http://d")
                    .getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 0xC3, 0x28},
                (".example/\n" + "5,\"http://e.example/\"x\n" + "6,http://f.example/\n")
                    .getBytes(StandardCharsets.US_ASCII)));

    assertEquals(
        List.of(
            "list.csv:2 http://a.example/",
            "list.csv:3 BAD",
            "list.csv:4 http://c.example/",
            "list.csv:5 BAD",
            "list.csv:6 BAD",
            "list.csv:7 http://f.example/"),
        described(read(file)));
  }

  @Test
  void aQuoteStillOpenAtAnUndecodableLineFailsItsRecordSayingSo() throws Exception {
    Path file =
        write(
            "list.csv",
            concat(
                "url,note\nhttp://a.example/,\"two\ncaf".getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 0xE9},
                "\"\nhttp://b.example/,x\n".getBytes(StandardCharsets.US_ASCII)));

    List<UrlLists.Entry> entries = read(file);

    assertEquals(
        List.of("list.csv:2 BAD", "list.csv:3 BAD", "list.csv:4 http://b.example/"),
        described(entries));
    assertTrue(
        entries.get(0).problem().contains("not closed before line 3, which cannot be read"),
        entries.get(0).problem());
    assertTrue(entries.get(1).problem().contains("not valid UTF-8"), entries.get(1).problem());
  }

  @Test
  void aFirstLineLongerThan64KiBIsRead() throws Exception {
    Path file = write("list.txt", "# " + "x".repeat(100_000) + "\nhttp://a.example/\n");

    assertEquals(List.of("list.txt:2 http://a.example/"), described(read(file)));
  }

  @Test
  void aCsvHeaderLongerThan64KiBIsRead() throws Exception {
    Path file = write("list.csv", "url," + "n".repeat(100_000) + "\nhttp://a.example/,x\n");

    assertNull(UrlLists.headerProblem(file));
    assertEquals(List.of("list.csv:2 http://a.example/"), described(read(file)));
  }

  @Test
  void aLineLongerThanTheLimitFailsAlone() throws Exception {
    Path file =
        write(
            "list.txt",
            "http://a.example/\nhttp://b.example/"
                + "x".repeat(ListLines.MAX_LINE_BYTES)
                + "\nhttp://c.example/\n");

    List<UrlLists.Entry> entries = read(file);

    assertEquals(
        List.of("list.txt:1 http://a.example/", "list.txt:2 BAD", "list.txt:3 http://c.example/"),
        described(entries));
    assertTrue(entries.get(1).text().length() < 10_000);
    assertTrue(entries.get(1).problem().contains("longer than 16 MiB"), entries.get(1).problem());
  }

  @Test
  void aCsvHeaderThatCannotBeReadIsAProblemOfTheList() throws Exception {
    Path file = write("list.csv", "\"url,note\nhttp://a.example/,x\n");

    String problem = UrlLists.headerProblem(file);

    assertTrue(
        problem != null && problem.contains("line 1") && problem.contains("never closed"), problem);
  }
}
