package dev.forkline.pipelines.bench;

import dev.forkline.pipelines.bench.BenchReport.HostsRow;
import dev.forkline.pipelines.bench.BenchReport.Row;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Writes a bench's results: the tables and findings on stdout, and bench.md, bench.csv and
 * bench.svg in the out folder, headed by the date, the machine and the command.
 */
final class BenchOutput {
  private final ExecutorBench.Options o;
  private final PrintWriter out;
  private final PrintWriter log;
  private final int cores;

  BenchOutput(ExecutorBench.Options options, PrintWriter out, PrintWriter log, int cores) {
    this.o = options;
    this.out = out;
    this.log = log;
    this.cores = cores;
  }

  /**
   * The executor rows and the many-hosts rows (either may be empty), described by {@code sizes}.
   */
  void write(List<Row> rows, List<HostsRow> hosts, ManyHostsBench.Sizes sizes) throws IOException {
    String date = ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"));
    String machine = machine();
    out.println("forkline bench, " + date + ", " + machine);
    out.println("command: " + o.command());
    StringBuilder md = new StringBuilder();
    md.append("# forkline bench\n\n")
        .append("Measured ")
        .append(date)
        .append(" on ")
        .append(machine)
        .append(".\n\n")
        .append("Command: `")
        .append(o.command())
        .append("`\n\n");
    if (!rows.isEmpty()) {
      executors(rows, date, md);
    }
    if (!hosts.isEmpty()) {
      manyHosts(hosts, sizes, md);
    }
    out.flush();
    Files.writeString(o.out().resolve("bench.md"), md.toString());
    log.println(
        "bench: wrote bench.md (and bench.csv, bench.svg for the executor rows) in "
            + o.out().toAbsolutePath());
    log.flush();
  }

  /** The executor tables and findings on stdout and in {@code md}; bench.csv and bench.svg. */
  private void executors(List<Row> rows, String date, StringBuilder md) throws IOException {
    out.println();
    out.print(BenchReport.text(BenchReport.summary(rows)));
    out.println();
    out.print(BenchReport.text(BenchReport.details(rows, cores)));
    out.println();
    out.print(findings(rows));
    md.append(BenchReport.markdown(BenchReport.summary(rows)))
        .append('\n')
        .append(BenchReport.markdown(BenchReport.details(rows, cores)))
        .append('\n')
        .append(findings(rows).replace("\n  ", "\n"))
        .append("\n![chart](bench.svg)\n");
    Files.writeString(o.out().resolve("bench.csv"), BenchReport.csv(rows, cores));
    Files.writeString(
        o.out().resolve("bench.svg"),
        BenchReport.svg(rows, "forkline bench, " + date + " (" + cores + " cores)"));
  }

  /** The many-hosts table, what it measured and what it says, on stdout and in {@code md}. */
  private void manyHosts(List<HostsRow> hosts, ManyHostsBench.Sizes sizes, StringBuilder md) {
    String about =
        "Many hosts, polite (per-host 1, robots.txt on): "
            + sizes.describe()
            + ". The fetch stage alone, in this JVM; the bound is (pages - 1) x delay of the"
            + " list's slowest host, the target 1.2 x bound + the 1-URL run's time, x bound ="
            + " (wall - start-up) / bound; fast / slow done: when the site answered the last"
            + " page of the other hosts / the slow host; min gap: the least time between two"
            + " page requests to one host.\n";
    out.println();
    out.print(about);
    out.print(BenchReport.text(BenchReport.hosts(hosts)));
    out.print(BenchReport.hostsFindings(hosts));
    md.append("\n## Many hosts\n\n")
        .append(about)
        .append('\n')
        .append(BenchReport.markdown(BenchReport.hosts(hosts)))
        .append('\n')
        .append(BenchReport.hostsFindings(hosts));
  }

  private String findings(List<Row> rows) {
    return BenchFindings.executors(rows, o, cores);
  }

  /** The machine, for the report's heading. */
  String machine() {
    long mem = -1;
    try {
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      mem = os.getTotalMemorySize();
    } catch (ClassCastException e) {
      // not HotSpot
    }
    return String.format(
        Locale.ROOT,
        "%d cores, %s memory, %s %s, %s",
        cores,
        mem < 0 ? "?" : String.format(Locale.ROOT, "%.0f GiB", mem / 1073741824.0),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        loadAverage());
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return "load average " + f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException | RuntimeException e) {
      return "load average ?";
    }
  }
}
