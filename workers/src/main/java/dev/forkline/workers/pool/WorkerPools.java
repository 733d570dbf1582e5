package dev.forkline.workers.pool;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@link WorkerPool} per JVM per {@link PoolSpec}, shared by reference count: the first {@link
 * #acquire} starts it, the last {@link Lease#close} closes it. For DoFns: acquire in
 * {@code @Setup}, close the lease in {@code @Teardown}.
 *
 * <pre>{@code
 * try (WorkerPools.Lease lease = WorkerPools.acquire(spec)) {
 *   TaskResult result = lease.pool().call("test.echo", bytes);
 * }
 * }</pre>
 */
public final class WorkerPools {

  private static final Map<PoolSpec, Entry> ENTRIES = new HashMap<>();

  private WorkerPools() {}

  /** A spec's pool and its holders; the pool is started under the entry's own lock. */
  private static final class Entry {
    final PoolSpec spec;
    int leases;
    volatile WorkerPool pool;

    Entry(PoolSpec spec) {
      this.spec = spec;
    }
  }

  /**
   * A lease on the pool of this spec, starting the pool if no lease holds it.
   *
   * @throws IOException if the pool had to be started and could not be
   */
  public static Lease acquire(PoolSpec spec) throws IOException {
    Entry entry;
    synchronized (ENTRIES) {
      entry = ENTRIES.computeIfAbsent(spec, Entry::new);
      entry.leases++;
    }
    try {
      synchronized (entry) {
        if (entry.pool == null || entry.pool.isClosed()) {
          entry.pool = WorkerPool.start(spec);
        }
        return new Lease(entry, entry.pool);
      }
    } catch (IOException | RuntimeException e) {
      release(entry);
      throw e;
    }
  }

  /** Leases currently held on the pool of this spec (for tests and diagnostics). */
  public static int leases(PoolSpec spec) {
    synchronized (ENTRIES) {
      Entry entry = ENTRIES.get(spec);
      return entry == null ? 0 : entry.leases;
    }
  }

  private static void release(Entry entry) {
    WorkerPool toClose = null;
    synchronized (ENTRIES) {
      entry.leases--;
      if (entry.leases == 0) {
        ENTRIES.remove(entry.spec, entry);
        toClose = entry.pool;
        entry.pool = null;
      }
    }
    if (toClose != null) {
      toClose.close();
    }
  }

  /** A hold on a shared pool. Closing it twice is a no-op. Thread-safe. */
  public static final class Lease implements AutoCloseable {
    private final Entry entry;
    private final WorkerPool pool;
    private boolean closed;

    private Lease(Entry entry, WorkerPool pool) {
      this.entry = entry;
      this.pool = pool;
    }

    /** The shared pool; do not close it, close the lease. */
    public WorkerPool pool() {
      return pool;
    }

    /** Gives the lease back; the last one closes the pool. */
    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      release(entry);
    }
  }
}
