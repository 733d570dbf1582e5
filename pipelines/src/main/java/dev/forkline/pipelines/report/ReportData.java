package dev.forkline.pipelines.report;

import dev.forkline.pipelines.table.ParquetTables;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * What a report shows of a table, read in one pass in bounded memory: counts, each {@code *_ms}
 * column's distribution, failures by kind with a few examples, rows finished over time, per-host
 * figures for pages and a few sample rows for images.
 */
final class ReportData {
  /** Examples kept per failure kind. */
  static final int EXAMPLES = 5;

  /** Hosts counted one by one; the rest are summed as "other hosts". */
  static final int MAX_HOSTS = 100_000;

  /** Image rows kept for the contact sheet. */
  static final int SAMPLES = 12;

  final Path table;
  final String keyColumn;
  long rows;
  long ok;
  long failed;

  /** The {@code *_ms} columns in table order. */
  final Map<String, LogHistogram> timings = new LinkedHashMap<>();

  final Map<String, Kind> failures = new HashMap<>();

  /** Finish times, milliseconds since the epoch, negated for failed rows; {@code finishes} used. */
  private long[] finishTimes = new long[1024];

  private int finishes;
  long firstFinish = Long.MAX_VALUE;
  long lastFinish = Long.MIN_VALUE;

  final Map<String, Host> hosts = new HashMap<>();
  final Host otherHosts = new Host("(other hosts)");

  final List<ImageRow> images = new ArrayList<>();
  private boolean sampleWanted;

  /** One failure kind: how many, in which stages, a few examples. */
  static final class Kind {
    final String kind;
    long count;
    final Map<String, Long> stages = new LinkedHashMap<>();
    final List<String[]> examples = new ArrayList<>(); // {key, stage, message}

    Kind(String kind) {
      this.kind = kind;
    }
  }

  /** One host of a scrape. */
  static final class Host {
    final String host;
    long pages;
    long failed;
    long robotsDenied;
    long fetches;
    double fetchMillis;
    final Map<String, Long> kinds = new HashMap<>();

    Host(String host) {
      this.host = host;
    }

    double meanFetchMillis() {
      return fetches == 0 ? Double.NaN : fetchMillis / fetches;
    }
  }

  /** An image row for the contact sheet. */
  record ImageRow(
      String input,
      String inputPath,
      String outputPath,
      String sizeIn,
      String sizeOut,
      Long bytesIn,
      Long bytesOut) {}

  private ReportData(Path table, String keyColumn) {
    this.table = table;
    this.keyColumn = keyColumn;
  }

  static ReportData read(Path table) {
    ParquetTables.Footer footer = ParquetTables.footer(table);
    Schema schema = footer.schema();
    String key = schema.getField("url") != null ? "url" : "input";
    ReportData data = new ReportData(table, key);
    List<String> columns = new ArrayList<>();
    for (Schema.Field field : schema.getFields()) {
      String name = field.name();
      if (name.endsWith("_ms")) {
        data.timings.put(name, new LogHistogram());
        columns.add(name);
      }
    }
    for (String name :
        List.of(
            key,
            "status",
            "failure_stage",
            "failure_kind",
            "failure_message",
            "processed_at",
            "input_path",
            "output_path",
            "width_in",
            "height_in",
            "width_out",
            "height_out",
            "bytes_in",
            "bytes_out")) {
      if (schema.getField(name) != null && !columns.contains(name)) {
        columns.add(name);
      }
    }
    long stride = Math.max(1, footer.rowCount() / SAMPLES);
    if (footer.rowCount() > 0) {
      try (ParquetTables.Rows rows = ParquetTables.open(table, schema, columns)) {
        while (rows.hasNext()) {
          data.add(rows.next(), stride);
        }
      }
    }
    return data;
  }

  private void add(GenericRecord row, long stride) {
    long index = rows++;
    String keyValue = text(row, keyColumn);
    boolean isOk = "ok".equals(text(row, "status"));
    if (isOk) {
      ok++;
    } else {
      failed++;
      String kindName = orElse(text(row, "failure_kind"), "unknown");
      String stage = orElse(text(row, "failure_stage"), "?");
      Kind kind = failures.computeIfAbsent(kindName, Kind::new);
      kind.count++;
      kind.stages.merge(stage, 1L, Long::sum);
      if (kind.examples.size() < EXAMPLES) {
        kind.examples.add(
            new String[] {keyValue, stage, clip(orElse(text(row, "failure_message"), ""), 500)});
      }
    }
    for (Map.Entry<String, LogHistogram> timing : timings.entrySet()) {
      Object value = field(row, timing.getKey());
      if (value instanceof Number n) {
        timing.getValue().add(n.doubleValue());
      }
    }
    String finished = text(row, "processed_at");
    if (finished != null) {
      try {
        long at = epochMillis(finished);
        if (finishes == finishTimes.length) {
          finishTimes = Arrays.copyOf(finishTimes, finishes * 2);
        }
        finishTimes[finishes++] = isOk ? at : -at;
        firstFinish = Math.min(firstFinish, at);
        lastFinish = Math.max(lastFinish, at);
      } catch (DateTimeParseException e) {
        // a row without a readable time is left out of the timeline only
      }
    }
    if (keyColumn.equals("url")) {
      addHost(row, keyValue, isOk);
    } else if ((index % stride == 0 || sampleWanted) && images.size() < SAMPLES) {
      sampleWanted = !isOk; // a failed row's turn goes to the next ok row
      if (!isOk) {
        return;
      }
      images.add(
          new ImageRow(
              keyValue,
              text(row, "input_path"),
              text(row, "output_path"),
              size(row, "width_in", "height_in"),
              size(row, "width_out", "height_out"),
              number(row, "bytes_in"),
              number(row, "bytes_out")));
    }
  }

  private void addHost(GenericRecord row, String url, boolean isOk) {
    String name = host(url);
    Host host = hosts.get(name);
    if (host == null) {
      host = hosts.size() < MAX_HOSTS ? new Host(name) : otherHosts;
      if (host != otherHosts) {
        hosts.put(name, host);
      }
    }
    host.pages++;
    if (!isOk) {
      host.failed++;
      String kind = orElse(text(row, "failure_kind"), "unknown");
      host.kinds.merge(kind, 1L, Long::sum);
      if (kind.equals("robots-denied")) {
        host.robotsDenied++;
      }
    }
    Object fetch = field(row, "fetch_ms");
    if (fetch instanceof Number n) {
      host.fetches++;
      host.fetchMillis += n.doubleValue();
    }
  }

  private String secondText;
  private long secondMillis;

  /**
   * An ISO instant in milliseconds; the rows of a second share its first 19 characters, parsed once
   * (a table's times parsed one by one took longer than reading it).
   */
  long epochMillis(String iso) {
    if (iso.length() > 20 && iso.charAt(19) == '.' && iso.endsWith("Z")) {
      String second = iso.substring(0, 19);
      if (!second.equals(secondText)) {
        secondMillis = Instant.parse(second + "Z").toEpochMilli();
        secondText = second;
      }
      int millis = 0;
      int digits = 0;
      for (int i = 20; i < iso.length() - 1 && digits < 3; i++, digits++) {
        char c = iso.charAt(i);
        if (c < '0' || c > '9') {
          return Instant.parse(iso).toEpochMilli();
        }
        millis = millis * 10 + (c - '0');
      }
      for (; digits < 3; digits++) {
        millis *= 10;
      }
      return secondMillis + millis;
    }
    return Instant.parse(iso).toEpochMilli();
  }

  /** The host of a URL, or the text before its path for one that does not parse. */
  static String host(String url) {
    if (url == null) {
      return "(none)";
    }
    // forkline's URLs are normalized: scheme://host[:port]/..., lower-case, no user info
    int start = url.indexOf("://");
    if (start > 0) {
      int end = start + 3;
      while (end < url.length() && "/?#@[".indexOf(url.charAt(end)) < 0) {
        end++;
      }
      if (end > start + 3
          && (end == url.length() || url.charAt(end) != '@' && url.charAt(end) != '[')) {
        return url.substring(start + 3, end);
      }
    }
    try {
      URI uri = new URI(url);
      if (uri.getHost() != null) {
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      }
    } catch (java.net.URISyntaxException e) {
      // below
    }
    return "(not a URL)";
  }

  /**
   * Rows finished per bucket of {@code bucketMillis} from {@code fromMillis} to {@code toMillis}
   * (rows finished outside them are left out): {@code [bucket][0]} ok, {@code [bucket][1]} failed.
   */
  long[][] finishedPerBucket(long fromMillis, long toMillis, long bucketMillis) {
    if (finishes == 0 || toMillis < fromMillis) {
      return new long[0][2];
    }
    int buckets = (int) ((toMillis - fromMillis) / bucketMillis) + 1;
    long[][] out = new long[buckets][2];
    for (int i = 0; i < finishes; i++) {
      long t = Math.abs(finishTimes[i]);
      if (t < fromMillis || t > toMillis) {
        continue; // a row an earlier run made, kept by --resume
      }
      out[(int) ((t - fromMillis) / bucketMillis)][finishTimes[i] >= 0 ? 0 : 1]++;
    }
    return out;
  }

  long finishesRecorded() {
    return finishes;
  }

  private static Object field(GenericRecord row, String name) {
    return row.getSchema().getField(name) == null ? null : row.get(name);
  }

  private static String text(GenericRecord row, String name) {
    Object value = field(row, name);
    return value == null ? null : value.toString();
  }

  private static Long number(GenericRecord row, String name) {
    return field(row, name) instanceof Number n ? n.longValue() : null;
  }

  private static String size(GenericRecord row, String width, String height) {
    Long w = number(row, width);
    Long h = number(row, height);
    return w == null || h == null ? null : w + "×" + h;
  }

  private static String orElse(String value, String otherwise) {
    return value == null || value.isEmpty() ? otherwise : value;
  }

  static String clip(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
