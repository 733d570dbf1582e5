package dev.forkline.workers.pool;

import java.util.concurrent.CompletableFuture;

/**
 * One task of a pool, from submission to its result: what to run, its future, and the attempts and
 * retries it has used. Guarded by the pool's lock once submitted.
 */
final class Task {
  final String kernel;
  final byte[] payload;
  final long submitNanos;
  final CompletableFuture<TaskResult> future = new CompletableFuture<>();
  long requestId;
  int attempts;
  int crashRetries;
  int errorRetries;

  Task(String kernel, byte[] payload, long submitNanos) {
    this.kernel = kernel;
    this.payload = payload;
    this.submitNanos = submitNanos;
  }

  /** Time since submission, in microseconds. */
  long totalMicros() {
    return (System.nanoTime() - submitNanos) / 1000;
  }

  /** A failure of this task that no worker answered. */
  TaskResult failure(String kind, String message) {
    return TaskResult.failure(kind, message, attempts, totalMicros());
  }
}
