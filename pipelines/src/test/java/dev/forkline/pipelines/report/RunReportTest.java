package dev.forkline.pipelines.report;

import static dev.forkline.pipelines.TestFiles.image;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.TestFiles;
import dev.forkline.pipelines.cli.ExitCodes;
import dev.forkline.pipelines.cli.ForklineCli;
import dev.forkline.pipelines.config.ImageFilterSettings;
import dev.forkline.pipelines.config.UrlScrapeSettings;
import dev.forkline.pipelines.image.ImageFilterPipeline;
import dev.forkline.pipelines.scrape.UrlScrapePipeline;
import dev.forkline.pipelines.table.ParquetFixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html: written by a run, made again by {@code forkline report}, self-contained, small. */
class RunReportTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int cli(String... args) {
    return ForklineCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** Nothing in the page that a browser would fetch: no external script, style, image or frame. */
  private static void assertSelfContained(String html) {
    Matcher fetched =
        Pattern.compile(
                "(?i)<(script|link|img|iframe|source)[^>]*\\s(src|href)\\s*=\\s*(?!['\"]?data:)")
            .matcher(html);
    assertFalse(
        fetched.find(),
        () ->
            "fetches "
                + html.substring(fetched.start(), Math.min(html.length(), fetched.end() + 60)));
    assertFalse(html.contains("@import"), "no imported style");
    assertFalse(html.toLowerCase().contains("url(http"), "no style fetching a URL");
  }

  @Test
  void aRunWritesItsReportAndRecordNextToItsTable() throws Exception {
    image(dir.resolve("in/a.png"), "png", 64, 48);
    image(dir.resolve("in/b.jpg"), "jpeg", 300, 200);
    Files.writeString(dir.resolve("in/broken.png"), "not an image");
    Path config = TestFiles.config(dir, "pipeline: image-filter\ninput: in\noutput: out\n");

    assertEquals(
        ExitCodes.FAILED_ROWS, cli("run", config.toString(), "--progress", "none"), err.toString());

    RunRecord run = RunRecord.readFrom(dir.resolve("out"));
    assertNotNull(run, "run.json");
    assertEquals("image-filter", run.pipeline());
    assertEquals(
        List.of("read", "transform", "write"),
        run.stages().stream().map(RunRecord.Stage::name).toList());
    assertEquals(2, run.ok());
    assertEquals(1, run.failed());
    String html = read(dir.resolve("out/report.html"));
    assertTrue(html.contains("1 failed"), "the badge");
    String kind =
        TestFiles.str(
            TestFiles.rowsBy(dir.resolve("out/manifest.parquet"), "input").get("broken.png"),
            "failure_kind");
    assertTrue(html.contains("<code>" + kind + "</code>"), "the failure kind " + kind);
    assertTrue(html.contains("broken.png"), "its example");
    assertTrue(html.contains("<code>transform_ms</code>"), "the stage times");
    assertEquals(4, count(html, "data:image/jpeg;base64,"), "two inputs beside their outputs");
    assertSelfContained(html);
  }

  @Test
  void theReportCommandMakesItAgainWithoutTheRunRecord() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("out"));
    Schema schema = new UrlScrapePipeline(UrlScrapeSettings.defaults()).schema();
    List<GenericRecord> rows = new ArrayList<>();
    rows.add(page(schema, "http://a.test/1", "ok", null, 12.5, 0));
    rows.add(page(schema, "http://a.test/2", "failed", "robots-denied", null, 1));
    rows.add(page(schema, "http://b.test:8080/", "failed", "connect", null, 2));
    ParquetFixtures.write(folder.resolve("pages.parquet"), schema, rows);

    assertEquals(ExitCodes.OK, cli("report", folder.toString()), err.toString());

    assertEquals(folder.resolve("report.html").toString(), out.toString().trim());
    String html = read(folder.resolve("report.html"));
    assertTrue(html.contains("no run.json"), "says what it lacks");
    assertTrue(html.contains("<h2>Hosts</h2>"), "a per-host table");
    assertTrue(html.contains("<td>b.test:8080</td>"), "hosts with their ports");
    assertTrue(html.contains("<code>robots-denied</code>"));
    assertSelfContained(html);
  }

  @Test
  void aFolderWithoutATableIsAUsageErrorThatSaysSo() throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    assertEquals(ExitCodes.USAGE, cli("report", dir.resolve("empty").toString()));
    assertTrue(err.toString().contains("holds no table"), err.toString());
    assertEquals(ExitCodes.USAGE, cli("report", dir.resolve("missing").toString()));
    assertTrue(err.toString().contains("is not a folder"), err.toString());
  }

  @Test
  void tenThousandRowsMakeAReportUnderTwoMegabytes() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path folder = Files.createDirectories(dir.resolve("out"));
    Schema schema = new ImageFilterPipeline(ImageFilterSettings.defaults()).schema();
    List<GenericRecord> rows = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      GenericRecord row = new GenericData.Record(schema);
      Path file = in.resolve("photo-" + i + ".jpg");
      if (i % 833 == 0) {
        image(file, "jpeg", 1200, 800);
      }
      row.put("input", file.getFileName().toString());
      row.put("input_path", file.toString());
      row.put("output_path", file.toString());
      boolean failed = i % 7 == 3;
      row.put("status", failed ? "failed" : "ok");
      if (failed) {
        row.put("failure_stage", "transform");
        row.put("failure_kind", i % 2 == 0 ? "corrupt" : "too-large");
        row.put("failure_message", "x".repeat(2_000));
      }
      row.put("read_ms", (long) (i % 40));
      row.put("transform_ms", (long) (50 + i % 300));
      row.put("decode_ms", 10.0 + i % 97);
      row.put("processed_at", Instant.ofEpochMilli(1_700_000_000_000L + i * 3L).toString());
      rows.add(row);
    }
    ParquetFixtures.write(folder.resolve("manifest.parquet"), schema, rows);

    Path report = RunReport.write(folder);

    long size = Files.size(report);
    assertTrue(size < 2_000_000, size + " bytes");
    String html = read(report);
    assertTrue(html.contains("<div class=value>1,429</div>"), "the failed rows counted");
    assertEquals(
        2 * ReportData.SAMPLES, count(html, "data:image/jpeg;base64,"), "12 inputs and outputs");
    assertSelfContained(html);
  }

  @Test
  void percentilesAreWithinTwoPercent() {
    LogHistogram h = new LogHistogram();
    for (int i = 1; i <= 10_000; i++) {
      h.add(i / 10.0);
    }
    assertEquals(500, h.percentile(50), 500 * 0.02);
    assertEquals(990, h.percentile(99), 990 * 0.02);
    assertEquals(1000, h.max(), 1e-9);
    assertEquals(0.1, h.min(), 1e-9);
    long[] bins = h.bins(24);
    assertEquals(10_000, java.util.Arrays.stream(bins).sum());
  }

  @Test
  void timesAndHostsAreReadAsTheJdkReadsThem() throws Exception {
    ReportData data = ReportData.read(ParquetFixtures.write(dir.resolve("t.parquet"), List.of()));
    for (String iso :
        List.of(
            "2026-12-07T10:41:53.588316521Z",
            "2026-12-07T10:41:53.5Z",
            "2026-12-07T10:41:54.000Z",
            "2026-12-07T10:41:54Z",
            "2026-12-31T23:59:59.999999Z")) {
      assertEquals(Instant.parse(iso).toEpochMilli(), data.epochMillis(iso), iso);
    }
    assertEquals("a.test", ReportData.host("http://a.test/x?y"));
    assertEquals("a.test:8080", ReportData.host("https://a.test:8080"));
    assertEquals("[::1]:8080", ReportData.host("http://[::1]:8080/"));
    assertEquals("b.test", ReportData.host("http://u:p@b.test/"));
    assertEquals("(not a URL)", ReportData.host("list.txt:3"));
  }

  @Test
  void rowsAnEarlierRunMadeAreLeftOutOfTheThroughput() throws Exception {
    Schema schema = new UrlScrapePipeline(UrlScrapeSettings.defaults()).schema();
    Path table =
        ParquetFixtures.write(
            dir.resolve("pages.parquet"),
            schema,
            List.of(
                page(schema, "http://a.test/kept", "ok", null, 1.0, 0),
                page(schema, "http://a.test/new", "ok", null, 1.0, 60),
                page(schema, "http://a.test/bad", "failed", "connect", null, 61)));
    ReportData data = ReportData.read(table);
    long start = Instant.ofEpochSecond(1_700_000_000L + 59).toEpochMilli();
    long[][] buckets = data.finishedPerBucket(start, start + 3_000, 1_000);
    assertEquals(4, buckets.length);
    assertEquals(List.of(0L, 1L, 0L, 0L), java.util.Arrays.stream(buckets).map(b -> b[0]).toList());
    assertEquals(List.of(0L, 0L, 1L, 0L), java.util.Arrays.stream(buckets).map(b -> b[1]).toList());
  }

  @Test
  void aRunRecordReadsBackAsWritten() throws Exception {
    RunRecord record =
        new RunRecord(
            RunRecord.VERSION,
            "url-scrape",
            "c.yaml",
            "direct",
            Instant.EPOCH.toString(),
            1500,
            3,
            2,
            1,
            0,
            "pages.parquet",
            java.util.Map.of("delay", "500 ms"),
            List.of(new RunRecord.Stage("fetch", "threads", 32, 2, 1, 900, 0, java.util.Map.of())),
            List.of(new RunRecord.Sample(1000, 2, java.util.Map.of("fetch", 2L))));
    record.writeTo(dir);
    assertEquals(record, RunRecord.readFrom(dir));
    Files.writeString(dir.resolve(RunRecord.FILE), "{not json");
    assertEquals(null, RunRecord.readFrom(dir));
    assertThrows(IOException.class, () -> RunReport.table(dir.resolve("nope"), null));
  }

  private static GenericRecord page(
      Schema schema, String url, String status, String kind, Double fetchMs, int minute) {
    GenericRecord row = new GenericData.Record(schema);
    row.put("url", url);
    row.put("status", status);
    if (kind != null) {
      row.put("failure_stage", "fetch");
      row.put("failure_kind", kind);
      row.put("failure_message", url + ": " + kind);
    }
    row.put("fetch_ms", fetchMs);
    row.put("processed_at", Instant.ofEpochSecond(1_700_000_000L + minute).toString());
    return row;
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
