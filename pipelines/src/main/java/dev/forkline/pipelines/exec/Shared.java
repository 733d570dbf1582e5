package dev.forkline.pipelines.exec;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the DoFn instances of one stage share in a JVM (its executor, the in-flight bound of a
 * chain), reference-counted: the first {@link #acquire} creates and opens it, the last {@link
 * #release} closes it. Runners make many instances of a DoFn (the Direct runner one per thread);
 * sharing is what makes a stage's thread count and in-flight bound hold for the stage as a whole.
 */
public final class Shared {
  /** Something shared: opened once before first use, closed once after last. */
  public interface Resource {
    default void open() throws Exception {}

    void close();
  }

  private static final Map<String, Entry> RESOURCES = new HashMap<>();

  private static final class Entry {
    final Resource resource;
    int references;

    Entry(Resource resource) {
      this.resource = resource;
    }
  }

  private Shared() {}

  /**
   * The resource with this id, made by {@code factory} and opened if this is the first reference.
   *
   * @param id unique per stage of a pipeline (transforms make one when they are expanded)
   */
  @SuppressWarnings("unchecked")
  public static synchronized <V extends Resource> V acquire(String id, Supplier<V> factory)
      throws Exception {
    Entry entry = RESOURCES.get(id);
    if (entry == null) {
      V resource = factory.get();
      try {
        resource.open();
      } catch (Exception e) {
        resource.close();
        throw e;
      }
      entry = new Entry(resource);
      RESOURCES.put(id, entry);
    }
    entry.references++;
    return (V) entry.resource;
  }

  /** Drops one reference; the last one closes the resource. */
  public static synchronized void release(String id) {
    Entry entry = RESOURCES.get(id);
    if (entry == null) {
      return;
    }
    if (--entry.references == 0) {
      RESOURCES.remove(id);
      entry.resource.close();
    }
  }

  /** Resources alive in this JVM: 0 between runs (the daemon checks, as do tests). */
  public static synchronized int live() {
    return RESOURCES.size();
  }
}
