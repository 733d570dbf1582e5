package dev.forkline.pipelines.exec;

import java.util.concurrent.Semaphore;

/** The in-flight bound of a chain in the JVM, shared by its DoFn instances. */
final class Permits implements Shared.Resource {
  final Semaphore semaphore;
  final Semaphore accepted;
  private final int perKey;
  private final java.util.Map<String, int[]> keys = new java.util.HashMap<>();

  Permits(int permits) {
    this(permits, StageChain.ACCEPTED, StageChain.ACCEPTED_PER_KEY);
  }

  Permits(int permits, int accepted, int perKey) {
    this.semaphore = new Semaphore(permits, true);
    this.accepted = new Semaphore(Math.max(accepted, permits), true);
    this.perKey = Math.max(perKey, permits);
  }

  /** Counts an element of {@code key} as accepted, waiting while the key has its share. */
  synchronized void enterKey(String key) throws InterruptedException {
    int[] count = keys.computeIfAbsent(key, k -> new int[1]);
    while (count[0] >= perKey) {
      wait();
      count = keys.computeIfAbsent(key, k -> new int[1]);
    }
    count[0]++;
  }

  /** An element of {@code key} ended. */
  synchronized void exitKey(String key) {
    int[] count = keys.get(key);
    if (count == null) {
      throw new IllegalStateException("an element of key " + key + " ended twice");
    }
    if (--count[0] == 0) {
      keys.remove(key);
    }
    if (count[0] == perKey - 1) {
      notifyAll();
    }
  }

  /** Elements of {@code key} accepted now, for tests. */
  synchronized int acceptedOf(String key) {
    int[] count = keys.get(key);
    return count == null ? 0 : count[0];
  }

  @Override
  public void close() {}
}
