package dev.forkline.workers.pool;

import java.util.concurrent.atomic.AtomicLong;

/** A pool's counters since the last drain, updated by every part of the pool. */
final class Counts {
  final AtomicLong workerStarts = new AtomicLong();
  final AtomicLong startFailures = new AtomicLong();
  final AtomicLong crashDeaths = new AtomicLong();
  final AtomicLong timeoutDeaths = new AtomicLong();
  final AtomicLong oomDeaths = new AtomicLong();
  final AtomicLong recycled = new AtomicLong();
  final AtomicLong ok = new AtomicLong();
  final AtomicLong taskErrors = new AtomicLong();
  final AtomicLong crashFailures = new AtomicLong();
  final AtomicLong timeoutFailures = new AtomicLong();
  final AtomicLong oomFailures = new AtomicLong();
  final AtomicLong poolClosed = new AtomicLong();
  final AtomicLong retries = new AtomicLong();
  final AtomicLong workerMicros = new AtomicLong();

  AtomicLong forTask(String kind) {
    return switch (kind) {
      case TaskResult.OK -> ok;
      case TaskResult.TASK_ERROR -> taskErrors;
      case TaskResult.CRASH -> crashFailures;
      case TaskResult.TIMEOUT -> timeoutFailures;
      case TaskResult.OOM -> oomFailures;
      default -> poolClosed;
    };
  }

  AtomicLong forDeath(String kind) {
    return switch (kind) {
      case TaskResult.TIMEOUT -> timeoutDeaths;
      case TaskResult.OOM -> oomDeaths;
      case DeathPolicy.RECYCLED -> recycled;
      default -> crashDeaths;
    };
  }

  /** Reads and resets each counter, with the two current levels. */
  PoolCounters drain(int inFlight, int liveWorkers) {
    return new PoolCounters(
        workerStarts.getAndSet(0),
        startFailures.getAndSet(0),
        crashDeaths.getAndSet(0),
        timeoutDeaths.getAndSet(0),
        oomDeaths.getAndSet(0),
        recycled.getAndSet(0),
        ok.getAndSet(0),
        taskErrors.getAndSet(0),
        crashFailures.getAndSet(0),
        timeoutFailures.getAndSet(0),
        oomFailures.getAndSet(0),
        poolClosed.getAndSet(0),
        retries.getAndSet(0),
        workerMicros.getAndSet(0),
        inFlight,
        liveWorkers);
  }
}
