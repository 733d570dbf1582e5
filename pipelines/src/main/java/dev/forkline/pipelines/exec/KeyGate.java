package dev.forkline.pipelines.exec;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Per-key politeness shared by every DoFn instance of a stage in the JVM, as crawlers keep it (one
 * queue per host): at most {@code limit} calls in flight per key ({@link #enter}, {@link #exit}),
 * and at least the key's gap between the starts of two of its calls ({@link #startDelay}, asked by
 * the thread about to start the call, so the spacing holds between real starts) and from the end of
 * one call to the start of the next (Nutch's rule: the host sees the gap, whatever delays a request
 * on its way). The gap is the stage's {@code minDelay}, raised per key by what a call learns
 * ({@link #space}: robots.txt's {@code Crawl-delay}); {@link #pause} holds a key's starts back
 * ({@code Retry-After}).
 *
 * <p>Waiting callers are parked in a queue per key, not on a thread, so a key that must wait never
 * holds back another. A key's first call runs alone until it ends, so that what it learns about the
 * key (its robots.txt, whether it answers at all) applies to the calls after it.
 */
final class KeyGate {
  private static final int SWEEP_EVERY = 4096;

  private final int limit;
  private final long minDelayNanos;
  private final Map<String, KeyState> keys = new HashMap<>();
  private int entries;

  private static final class KeyState {
    int active;

    /** Whether a call of this key has ended: until then the key runs one call at a time. */
    boolean proven;

    long gapNanos;
    long lastStart = Long.MIN_VALUE;
    long nextStart = Long.MIN_VALUE;
    long previousNextStart = Long.MIN_VALUE;
    final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

    KeyState(long gapNanos) {
      this.gapNanos = gapNanos;
    }

    /** Moves the next start to {@code time} unless it is later already. */
    void notBefore(long time) {
      if (nextStart == Long.MIN_VALUE || time - nextStart > 0) {
        nextStart = time;
      }
    }

    boolean idle(long now) {
      return active == 0
          && waiting.isEmpty()
          && (nextStart == Long.MIN_VALUE || nextStart - now <= 0);
    }
  }

  /**
   * @param limit calls in flight per key; 0 for no limit
   * @param minDelayNanos the least time between two starts of a key's calls
   */
  KeyGate(int limit, long minDelayNanos) {
    this.limit = limit;
    this.minDelayNanos = minDelayNanos;
  }

  private KeyState state(String key) {
    return keys.computeIfAbsent(key, k -> new KeyState(minDelayNanos));
  }

  private boolean full(KeyState state) {
    return (!state.proven && state.active >= 1) || (limit > 0 && state.active >= limit);
  }

  /**
   * Runs {@code admitted} once the key has a free slot: at once in this thread, or in the thread of
   * the {@link #exit} that frees one. Every admission must be followed by exactly one {@link
   * #exit}.
   */
  void enter(String key, Runnable admitted) {
    enter(key, admitted, false);
  }

  /**
   * {@link #enter(String, Runnable)}; a retry waits at the head of its key's queue, not behind the
   * key's whole backlog, since its deadline runs.
   */
  void enter(String key, Runnable admitted, boolean retry) {
    synchronized (this) {
      if (++entries % SWEEP_EVERY == 0) {
        sweep();
      }
      KeyState state = state(key);
      if (full(state) || !state.waiting.isEmpty()) {
        if (retry) {
          state.waiting.addFirst(admitted);
        } else {
          state.waiting.add(admitted);
        }
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
    return startDelay(key, null);
  }

  /** {@link #startDelay(String)}, putting the start's time into {@code startedAt[0]}. */
  synchronized long startDelay(String key, long[] startedAt) {
    KeyState state = state(key);
    long now = System.nanoTime();
    if (state.nextStart != Long.MIN_VALUE && state.nextStart - now > 0) {
      return state.nextStart - now;
    }
    state.previousNextStart = state.nextStart;
    state.lastStart = now;
    if (startedAt != null) {
      startedAt[0] = now;
    }
    state.nextStart = state.gapNanos > 0 ? now + state.gapNanos : Long.MIN_VALUE;
    return 0;
  }

  /** How long until the key's next start may come, without counting one: 0 if it may now. */
  synchronized long peekDelay(String key) {
    KeyState state = keys.get(key);
    if (state == null || state.nextStart == Long.MIN_VALUE) {
      return 0;
    }
    return Math.max(0, state.nextStart - System.nanoTime());
  }

  /** Raises the least time between the key's starts to {@code gapNanos}, from its last start. */
  synchronized void space(String key, long gapNanos) {
    KeyState state = state(key);
    if (gapNanos <= state.gapNanos) {
      return;
    }
    state.gapNanos = gapNanos;
    if (state.lastStart != Long.MIN_VALUE) {
      state.notBefore(state.lastStart + gapNanos);
    }
  }

  /** Starts no call of the key for {@code nanos} from now. */
  synchronized void pause(String key, long nanos) {
    state(key).notBefore(System.nanoTime() + nanos);
  }

  /** Frees the key's slot taken by an admission and admits the next waiting callers, if any. */
  void exit(String key) {
    exit(key, 0, true, true);
  }

  /**
   * {@link #exit(String)} of a call that started at {@code start}; one that sent nothing to the key
   * ({@code requested} false: robots.txt denied the URL, the host was given up) is charged no gap,
   * and its start is undone if no other call started since, so such URLs drain at once. A call that
   * will be retried ({@code proven} false: the host did not answer) leaves a new key running one
   * call at a time, since it learned nothing about the key.
   */
  void exit(String key, long start, boolean requested, boolean proven) {
    java.util.List<Runnable> next = null;
    synchronized (this) {
      KeyState state = keys.get(key);
      if (state == null || state.active == 0) {
        throw new IllegalStateException("exit without an admission for key " + key);
      }
      state.active--;
      state.proven |= proven;
      long now = System.nanoTime();
      if (!requested) {
        if (state.lastStart == start) {
          state.nextStart = state.previousNextStart;
        }
      } else if (state.gapNanos > 0) {
        // The gap also runs from a call's end: a request delayed on its way (a robots.txt fetch
        // first, a busy core) never reaches the host closer than the gap to the next one.
        state.notBefore(now + state.gapNanos);
      }
      while (!state.waiting.isEmpty() && !full(state)) {
        if (next == null) {
          next = new java.util.ArrayList<>(2);
        }
        next.add(state.waiting.poll());
        state.active++;
      }
      if (state.idle(now)) {
        keys.remove(key);
      }
    }
    if (next != null) {
      for (Runnable r : next) {
        r.run();
      }
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
      if (it.next().idle(now)) {
        it.remove();
      }
    }
  }
}
