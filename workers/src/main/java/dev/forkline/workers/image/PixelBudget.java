package dev.forkline.workers.image;

/**
 * The pixels the transforms of one JVM work on at once, bounded by its heap: a transform takes its
 * image's share before decoding and gives it back when its reply is made, so four 12 MP photos on
 * four threads wait for each other instead of filling the heap. An image larger than the whole
 * budget runs alone. Thread-safe.
 */
public final class PixelBudget {
  /**
   * Heap bytes a pixel in work takes: its ARGB int when decoded, the next filter's output, and the
   * resize's float rows (a column pass holds a strip of them).
   */
  static final long BYTES_PER_PIXEL = 16;

  /** This JVM's budget: its heap's worth of pixels in work. */
  public static final PixelBudget JVM =
      new PixelBudget(Runtime.getRuntime().maxMemory() / BYTES_PER_PIXEL);

  private final long capacity;
  private long used;

  PixelBudget(long capacity) {
    this.capacity = Math.max(1, capacity);
  }

  /** Waits until {@code pixels} (at most the whole budget) fit; returns what was taken. */
  public synchronized long acquire(long pixels) throws InterruptedException {
    long want = Math.max(1, Math.min(pixels, capacity));
    while (used > 0 && used + want > capacity) {
      wait();
    }
    used += want;
    return want;
  }

  /** Gives back what {@link #acquire} took. */
  public synchronized void release(long taken) {
    used -= taken;
    notifyAll();
  }

  /** The budget, in pixels. */
  public long capacity() {
    return capacity;
  }

  /** Pixels taken now. */
  public synchronized long used() {
    return used;
  }
}
