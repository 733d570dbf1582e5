package dev.forkline.workers.pool;

import dev.forkline.workers.protocol.Message;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Sends a pool's tasks to its workers and takes their answers: owns the queue of tasks waiting for
 * a worker, picks the least busy ready worker with room in its window, matches each response to the
 * task its worker is running, and completes tasks once the lock is released. Every method runs
 * under the pool's lock, which its caller holds.
 */
final class Dispatcher {

  private final PoolSpec spec;
  private final PoolLock lock;
  private final Counts counts;

  /** The pool's live workers, which the supervisor adds and removes. */
  private final List<Worker> workers;

  // Guarded by lock.
  private final ArrayDeque<Task> pending = new ArrayDeque<>();
  private long nextRequestId = 1;
  private int cursor;
  private int tasksInPool;

  Dispatcher(PoolSpec spec, PoolLock lock, Counts counts, List<Worker> workers) {
    this.spec = spec;
    this.lock = lock;
    this.counts = counts;
    this.workers = workers;
  }

  /** Tasks submitted and not yet finished, queued here or on a worker. */
  int tasksInPool() {
    return tasksInPool;
  }

  /** Takes a submitted task and sends it if a worker has room. */
  void enqueue(Task task) {
    tasksInPool++;
    pending.addLast(task);
    dispatch();
  }

  /** Takes a submitted task only to fail it at once. */
  void refuse(Task task, String kind, String message) {
    tasksInPool++;
    finish(task, task.failure(kind, message));
  }

  /** Puts a task back at the head of the queue, to run before those waiting. */
  void requeueFirst(Task task) {
    pending.addFirst(task);
  }

  /** Puts tasks back at the head of the queue, in their order. */
  void requeueFirst(List<Task> tasks) {
    for (int i = tasks.size() - 1; i >= 0; i--) {
      pending.addFirst(tasks.get(i));
    }
  }

  /** Fails every queued task. */
  void failPending(String kind, String message) {
    for (Task task : pending) {
      finish(task, task.failure(kind, message));
    }
    pending.clear();
  }

  /** Fails every unfinished task: those on workers, then those queued. */
  void failAll(String kind, String message) {
    for (Worker w : workers) {
      for (Task task : w.inFlight) {
        finish(task, task.failure(kind, message));
      }
      w.inFlight.clear();
    }
    failPending(kind, message);
  }

  /** Sends queued tasks while a worker has room. */
  void dispatch() {
    while (!pending.isEmpty()) {
      Worker worker = leastBusy();
      if (worker == null) {
        return;
      }
      send(worker, pending.pollFirst());
    }
  }

  private Worker leastBusy() {
    Worker best = null;
    int n = workers.size();
    for (int i = 0; i < n; i++) {
      Worker w = workers.get((cursor + i) % n);
      if (w.state == Worker.State.READY
          && w.inFlight.size() < spec.window()
          && (best == null || w.inFlight.size() < best.inFlight.size())) {
        best = w;
      }
    }
    if (best != null) {
      cursor = (workers.indexOf(best) + 1) % n;
    }
    return best;
  }

  private void send(Worker worker, Task task) {
    task.requestId = nextRequestId++;
    if (worker.inFlight.isEmpty()) {
      worker.headStartNanos = System.nanoTime();
    }
    worker.inFlight.addLast(task);
    worker.assigned++;
    worker.outbox.add(new Message.Request(task.requestId, task.kernel, task.payload));
    if (spec.maxTasksPerWorker() > 0 && worker.assigned >= spec.maxTasksPerWorker()) {
      worker.state = Worker.State.RETIRING; // no more tasks; the supervisor starts its replacement
      lock.wakeSupervisor();
    }
  }

  /**
   * Takes a worker's answer to its running task: a result, or a kernel exception that is retried or
   * fails the task.
   *
   * @throws IOException if it answers another task (unless the pool is closed)
   */
  void answered(Worker worker, Message.Response response) throws IOException {
    Task head = worker.inFlight.peekFirst();
    if (head == null || head.requestId != response.id()) {
      if (lock.closed()) {
        return;
      }
      throw new IOException(
          "response "
              + response.id()
              + " does not answer the running task "
              + (head == null ? "(none)" : head.requestId));
    }
    worker.inFlight.pollFirst();
    worker.done++;
    if (!worker.inFlight.isEmpty()) {
      worker.headStartNanos = System.nanoTime();
    }
    head.attempts++;
    long workerMicros = response.workerNanos() / 1000;
    if (response.ok()) {
      finish(
          head,
          TaskResult.ok(
              response.payload(),
              worker.id,
              worker.pid,
              head.attempts,
              workerMicros,
              head.totalMicros()));
    } else if (head.errorRetries < spec.taskErrorRetries()) {
      head.errorRetries++;
      counts.retries.incrementAndGet();
      pending.addFirst(head);
    } else {
      finishTaskError(worker, head, response, workerMicros);
    }
    if (worker.state == Worker.State.RETIRING && worker.inFlight.isEmpty() && !worker.retired) {
      worker.retired = true;
      worker.stopWriter();
    }
    dispatch();
  }

  /**
   * Completes a task as {@code task-error}; the result is made after unlock, as it reads the log.
   */
  private void finishTaskError(
      Worker worker, Task task, Message.Response response, long workerMicros) {
    tasksInPool--;
    counts.taskErrors.incrementAndGet();
    counts.workerMicros.addAndGet(workerMicros);
    Path log = worker.log;
    int id = worker.id;
    long pid = worker.pid;
    lock.defer(
        () ->
            task.future.complete(
                TaskResult.taskError(
                    response.errorClass(),
                    response.errorMessage(),
                    response.stackTrace(),
                    id,
                    pid,
                    LogTail.read(log),
                    task.attempts,
                    workerMicros,
                    task.totalMicros())));
  }

  /** Completes a task (later, outside the lock) and counts it. */
  void finish(Task task, TaskResult result) {
    tasksInPool--;
    counts.forTask(result.kind()).incrementAndGet();
    counts.workerMicros.addAndGet(result.workerMicros());
    lock.defer(() -> task.future.complete(result));
  }
}
