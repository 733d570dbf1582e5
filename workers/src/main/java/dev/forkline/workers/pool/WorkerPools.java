package dev.forkline.workers.pool;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
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
 *
 * <p>A JVM that runs pipeline after pipeline (forkline's daemon) may {@link #keepIdlePools keep}
 * the last few pools whose last lease closed: the next acquire of an equal spec gets the running
 * pool, its workers started and warm, instead of starting new ones.
 */
public final class WorkerPools {

  private static final Map<PoolSpec, Entry> ENTRIES = new HashMap<>();

  /** Pools without a lease, kept running; least recently released first. Guarded by ENTRIES. */
  private static final LinkedHashMap<PoolSpec, WorkerPool> IDLE = new LinkedHashMap<>();

  private static int keepIdle;

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
      WorkerPool idle = IDLE.remove(spec);
      if (idle != null) {
        // a spec is idle only while it has no entry, so this entry is new: nobody else holds it
        entry.pool = idle;
      }
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

  /**
   * Keeps up to {@code max} pools running after their last lease closes, for the next acquire of an
   * equal spec (0, the default: the last lease closes the pool). Lowering it closes the pools over
   * the new limit, least recently used first.
   */
  public static void keepIdlePools(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max must be >= 0, was " + max);
    }
    List<WorkerPool> toClose;
    synchronized (ENTRIES) {
      keepIdle = max;
      toClose = trimIdle();
    }
    toClose.forEach(WorkerPool::close);
  }

  /** True when pools outlive their last lease ({@link #keepIdlePools} above 0). */
  public static boolean keepsIdlePools() {
    synchronized (ENTRIES) {
      return keepIdle > 0;
    }
  }

  /** Pools kept running without a lease (for tests and diagnostics). */
  public static int idlePools() {
    synchronized (ENTRIES) {
      return IDLE.size();
    }
  }

  /** Closes the pools kept running without a lease. */
  public static void closeIdlePools() {
    List<WorkerPool> toClose;
    synchronized (ENTRIES) {
      toClose = new ArrayList<>(IDLE.values());
      IDLE.clear();
    }
    toClose.forEach(WorkerPool::close);
  }

  private static List<WorkerPool> trimIdle() {
    List<WorkerPool> over = new ArrayList<>();
    Iterator<WorkerPool> oldest = IDLE.values().iterator();
    while (IDLE.size() - over.size() > keepIdle && oldest.hasNext()) {
      over.add(oldest.next());
      oldest.remove();
    }
    return over;
  }

  private static void release(Entry entry) {
    List<WorkerPool> toClose = new ArrayList<>();
    synchronized (ENTRIES) {
      entry.leases--;
      if (entry.leases == 0) {
        ENTRIES.remove(entry.spec, entry);
        WorkerPool pool = entry.pool;
        entry.pool = null;
        if (pool != null && keepIdle > 0 && !pool.isClosed()) {
          IDLE.put(entry.spec, pool);
          toClose.addAll(trimIdle());
        } else if (pool != null) {
          toClose.add(pool);
        }
      }
    }
    toClose.forEach(WorkerPool::close);
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
