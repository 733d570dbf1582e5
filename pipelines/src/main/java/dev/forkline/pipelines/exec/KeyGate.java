package dev.forkline.pipelines.exec;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Per-key politeness shared by every DoFn instance of a stage in the JVM: at most {@code limit}
 * calls in flight per key ({@link #enter}, {@link #exit}), and at least {@code minDelay} between
 * the starts of two calls for the same key ({@link #startDelay}, asked by the thread about to start
 * the call, so the spacing holds between real starts). Waiting callers are parked in a queue per
 * key, not on a thread, so one slow key never holds the pool's threads.
 */
final class KeyGate {
  private static final int SWEEP_EVERY = 4096;

  private final int limit;
  private final long minDelayNanos;
  private final Map<String, KeyState> keys = new HashMap<>();
  private int entries;

  private static final class KeyState {
    int active;
    long nextStart = Long.MIN_VALUE;
    final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  }

  KeyGate(int limit, long minDelayNanos) {
    this.limit = limit;
    this.minDelayNanos = minDelayNanos;
  }

  /**
   * Runs {@code admitted} once the key has a free slot: at once in this thread, or in the thread of
   * the {@link #exit} that frees one. Every admission must be followed by exactly one {@link
   * #exit}.
   */
  void enter(String key, Runnable admitted) {
    synchronized (this) {
      if (++entries % SWEEP_EVERY == 0) {
        sweep();
      }
      KeyState state = keys.computeIfAbsent(key, k -> new KeyState());
      if ((limit > 0 && state.active >= limit) || !state.waiting.isEmpty()) {
        state.waiting.add(admitted);
        return;
      }
      state.active++;
    }
    admitted.run();
  }

  /**
   * Zero if a call for this key may start now, which then counts as its start; otherwise how long
   * to wait before asking again.
   */
  synchronized long startDelay(String key) {
    if (minDelayNanos == 0) {
      return 0;
    }
    KeyState state = keys.computeIfAbsent(key, k -> new KeyState());
    long now = System.nanoTime();
    if (state.nextStart != Long.MIN_VALUE && state.nextStart - now > 0) {
      return state.nextStart - now;
    }
    state.nextStart = now + minDelayNanos;
    return 0;
  }

  /** Frees the key's slot taken by an admission and admits the next waiting caller, if any. */
  void exit(String key) {
    Runnable next = null;
    synchronized (this) {
      KeyState state = keys.get(key);
      if (state == null || state.active == 0) {
        throw new IllegalStateException("exit without an admission for key " + key);
      }
      state.active--;
      if (!state.waiting.isEmpty()) {
        next = state.waiting.poll();
        state.active++;
      } else if (state.active == 0 && state.nextStart - System.nanoTime() <= 0) {
        keys.remove(key);
      }
    }
    if (next != null) {
      next.run();
    }
  }

  /** Calls in flight for a key, for tests. */
  synchronized int active(String key) {
    KeyState state = keys.get(key);
    return state == null ? 0 : state.active;
  }

  /** Forgets idle keys whose delay has passed, so a run over a million hosts stays small. */
  private void sweep() {
    long now = System.nanoTime();
    for (Iterator<KeyState> it = keys.values().iterator(); it.hasNext(); ) {
      KeyState state = it.next();
      if (state.active == 0 && state.waiting.isEmpty() && state.nextStart - now <= 0) {
        it.remove();
      }
    }
  }
}
