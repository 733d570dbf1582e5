package dev.forkline.pipelines.exec;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The executors of the JVM, one per stage, shared by every DoFn instance of that stage and
 * reference-counted: the first {@link #acquire} creates and starts it, the last {@link #release}
 * closes it. Runners make many instances of a DoFn (the Direct runner one per thread); sharing is
 * what makes a stage's thread count and in-flight bound hold for the stage as a whole.
 */
public final class SharedExecutors {
  private static final Map<String, Entry> EXECUTORS = new HashMap<>();

  private static final class Entry {
    final CallExecutor<?, ?> executor;
    int references;

    Entry(CallExecutor<?, ?> executor) {
      this.executor = executor;
    }
  }

  private SharedExecutors() {}

  /**
   * The executor with this id, created by {@code factory} and started if it is the first reference.
   *
   * @param id unique per stage of a pipeline (transforms make one when they are built)
   */
  @SuppressWarnings("unchecked")
  public static synchronized <I, O> CallExecutor<I, O> acquire(
      String id, Supplier<CallExecutor<I, O>> factory) throws Exception {
    Entry entry = EXECUTORS.get(id);
    if (entry == null) {
      CallExecutor<I, O> executor = factory.get();
      try {
        executor.start();
      } catch (Exception e) {
        executor.close();
        throw e;
      }
      entry = new Entry(executor);
      EXECUTORS.put(id, entry);
    }
    entry.references++;
    return (CallExecutor<I, O>) entry.executor;
  }

  /** Drops one reference; the last one closes the executor. */
  public static synchronized void release(String id) {
    Entry entry = EXECUTORS.get(id);
    if (entry == null) {
      return;
    }
    if (--entry.references == 0) {
      EXECUTORS.remove(id);
      entry.executor.close();
    }
  }

  /** Executors alive in this JVM, for tests. */
  static synchronized int live() {
    return EXECUTORS.size();
  }
}
