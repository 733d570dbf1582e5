package dev.forkline.pipelines.bench;

import dev.forkline.pipelines.bench.BenchReport.HostsRow;
import dev.forkline.pipelines.bench.BenchReport.Row;
import java.util.List;
import java.util.Locale;

/** What the numbers say, in words, from the numbers: the lines under the report's tables. */
final class BenchFindings {
  private BenchFindings() {}

  /** The executor rows: what was measured, then the verdicts and what they mean. */
  static String executors(List<Row> rows, ExecutorBench.Options o, int cores) {
    StringBuilder s = new StringBuilder();
    s.append("What was measured:\n");
    whatWasMeasured(s, o, cores);
    s.append("\nWhat it says:\n");
    for (Row row : rows) {
      s.append("- ").append(row.workload()).append(": ").append(row.verdict()).append(".\n");
    }
    s.append(
        "- Unlike CPython, Java threads are not serialised by a global interpreter lock: a CPU"
            + " stage on N threads already uses N cores, so processes buy no speed by themselves"
            + " (compare the threads and processes cells of the CPU rows). What"
            + " the process pool costs: a JVM per worker (start-up, and its own heap: see the"
            + " workers' peak memory) and copying each element to and from the worker. What it"
            + " buys: isolation (a decoder crash, a runaway allocation or an infinite loop kills"
            + " one worker, which is replaced, never the run), hard timeouts (a hung call is"
            + " ended by killing its worker; a thread cannot be stopped) and memory caps (-Xmx"
            + " per worker: an image bomb fails one element as out-of-memory).\n");
    s.append(
        "- For I/O, threads are the answer in Java as in Python: the waiting is parallel,"
            + " the CPU per request is small.\n");
    return s.toString();
  }

  /** How the cells were measured, and the I/O and CPU rows' inputs. */
  private static void whatWasMeasured(StringBuilder s, ExecutorBench.Options o, int cores) {
    s.append(
        String.format(
            Locale.ROOT,
            "- Each cell is one run in this JVM after a 1-element run of the same workload (the"
                + " start-up column: Beam graph, Direct runner, thread pools, worker JVMs; the"
                + " JVM's own start is not in it). Elements/s = elements / wall time; steady/s ="
                + " (elements - 1) / (wall - start-up), the rate once running. CPU util ="
                + " CPU time of the driver and its worker JVMs / wall / %d cores. Peak memory ="
                + " VmHWM of the driver (reset before each run) and of each worker JVM, summed.%n",
            cores));
    s.append(
        String.format(
            Locale.ROOT,
            "- I/O rows fetch ~%d KB pages from a local server (its own JVM) that waits %d ms"
                + " before each answer, %d requests in flight, one host; Little's law bounds them"
                + " at %d / %.3f s = %s pages/s.%n",
            o.pageBytes() / 1000,
            o.latency().toMillis(),
            o.ioThreads(),
            o.ioThreads(),
            o.latency().toMillis() / 1000.0,
            BenchReport.rate(o.ioThreads() / (o.latency().toMillis() / 1000.0))));
    s.append(
        String.format(
            Locale.ROOT,
            "- CPU rows: %d JPEGs of %dx%d, auto-orient, resize to 800 px wide (lanczos3),"
                + " sharpen (sigma 0.8, amount 0.6), JPEG q85.%n",
            o.images(),
            o.width(),
            o.height()));
  }

  /** The many-hosts rows: the mix's cost to the fast hosts; empty without both cases. */
  static String hosts(List<HostsRow> rows) {
    HostsRow fast = null;
    HostsRow mix = null;
    for (HostsRow r : rows) {
      if (r.name().startsWith("fast alone")) {
        fast = r;
      } else if (r.name().startsWith("mix")) {
        mix = r;
      }
    }
    if (fast == null
        || mix == null
        || Double.isNaN(fast.fastDone())
        || Double.isNaN(mix.fastDone())) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "- The slow host cost the fast hosts %+.2f s: their last page was answered at %.2f s"
            + " with it, %.2f s alone (their bound %.2f s).%n",
        mix.fastDone() - fast.fastDone(),
        mix.fastDone(),
        fast.fastDone(),
        fast.bound());
  }
}
