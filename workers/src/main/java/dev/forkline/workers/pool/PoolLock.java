package dev.forkline.workers.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one lock of a pool, which guards all of its mutable state; with the condition that {@code
 * start} and the supervisor wait on, the closed and wake flags that every part reads under it, and
 * the task completions deferred until it is released, so that callbacks never run under it.
 */
final class PoolLock {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  // Guarded by lock.
  private final ArrayList<Runnable> deferred = new ArrayList<>();
  private boolean closed;
  private boolean wake;

  void lock() {
    lock.lock();
  }

  void unlock() {
    lock.unlock();
  }

  /** Unlocks, then runs what was deferred while locked. */
  void unlockAndRun() {
    List<Runnable> todo = null;
    if (!deferred.isEmpty()) {
      todo = new ArrayList<>(deferred);
      deferred.clear();
    }
    lock.unlock();
    if (todo != null) {
      for (Runnable runnable : todo) {
        runnable.run();
      }
    }
  }

  /** Runs {@code runnable} at the next {@link #unlockAndRun}, outside the lock. */
  void defer(Runnable runnable) {
    deferred.add(runnable);
  }

  boolean closed() {
    return closed;
  }

  void setClosed() {
    closed = true;
  }

  void signalAll() {
    changed.signalAll();
  }

  void awaitNanos(long nanos) throws InterruptedException {
    changed.awaitNanos(nanos);
  }

  /** Ends the supervisor's wait now and keeps it from waiting before its next round. */
  void wakeSupervisor() {
    wake = true;
    changed.signalAll();
  }

  /** Starts a supervisor round: a wake from now on ends the wait that follows it. */
  void clearWake() {
    wake = false;
  }

  /** The supervisor's wait between rounds: up to {@code nanos}, unless woken or closed. */
  void awaitWake(long nanos) throws InterruptedException {
    if (!wake && !closed) {
      changed.awaitNanos(nanos);
    }
  }
}
