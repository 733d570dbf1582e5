package dev.forkline.pipelines.exec;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricName;

/**
 * forkline's counters as they are incremented in this JVM, beside Beam's: the Direct runner (and
 * Flink's mini-cluster) commit a bundle's counters only when the bundle ends, and a stage chain's
 * bundle is a whole batch, so a scrape of a few hundred URLs showed no progress until its end.
 * DoFns run in the runner's threads and cannot be handed an object, so these are the JVM's; a JVM
 * runs one forkline run at a time (the CLI, the daemon), which {@link #reset()}s them at its start.
 * For progress only: a run's result counts come from Beam's committed metrics.
 */
public final class LiveCounters {
  private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

  private LiveCounters() {}

  /** Zeroes every counter: a run starts. */
  public static void reset() {
    COUNTS.clear();
  }

  /** The counters now, by name. */
  public static Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    COUNTS.forEach((name, n) -> out.put(name, n.sum()));
    return out;
  }

  static void add(String name, long n) {
    COUNTS.computeIfAbsent(name, k -> new LongAdder()).add(n);
  }

  /** A Beam counter that also counts here. */
  static final class Mirrored implements Counter {
    private final Counter beam;
    private final String name;

    Mirrored(Counter beam, String name) {
      this.beam = beam;
      this.name = name;
    }

    @Override
    public void inc() {
      inc(1);
    }

    @Override
    public void inc(long n) {
      beam.inc(n);
      add(name, n);
    }

    @Override
    public void dec() {
      dec(1);
    }

    @Override
    public void dec(long n) {
      beam.dec(n);
      add(name, -n);
    }

    @Override
    public MetricName getName() {
      return beam.getName();
    }
  }
}
