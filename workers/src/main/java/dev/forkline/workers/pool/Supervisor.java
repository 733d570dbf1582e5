package dev.forkline.workers.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a pool's workers alive, on a thread of its own: adds workers to the pool's list and removes
 * them when they exit, kills a worker whose task or start overruns its deadline, handles each exit
 * (a start failure here, a death through the {@link DeathPolicy}), and spawns replacements, backing
 * off while starts fail and failing queued tasks once too many have failed in a row.
 */
final class Supervisor {

  private final PoolSpec spec;
  private final Path folder;
  private final Path socket;
  private final PoolLock lock;
  private final Counts counts;
  private final Dispatcher dispatcher;
  private final DeathPolicy deaths;
  private final Thread thread;

  // Guarded by lock.
  private final List<Worker> workers;
  private final ArrayDeque<Worker> exited = new ArrayDeque<>();
  private int nextWorkerId;
  private int consecutiveStartFailures;
  private String lastStartFailure;
  private long nextSpawnNanos;
  private boolean broken;

  Supervisor(
      PoolSpec spec,
      int number,
      Path folder,
      Path socket,
      PoolLock lock,
      Counts counts,
      List<Worker> workers,
      Dispatcher dispatcher,
      DeathPolicy deaths) {
    this.spec = spec;
    this.folder = folder;
    this.socket = socket;
    this.lock = lock;
    this.counts = counts;
    this.workers = workers;
    this.dispatcher = dispatcher;
    this.deaths = deaths;
    this.thread = new Thread(this::run, "forkline-pool-" + number + "-supervisor");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Waits up to 5 s for the thread to end (once the pool is closed), unless called on it. */
  void join() {
    if (thread.isAlive() && Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Why the last worker that failed to start did; null if none has failed. Under the lock. */
  String lastStartFailure() {
    return lastStartFailure;
  }

  /** True while starts keep failing: tasks then fail at once. Under the lock. */
  boolean broken() {
    return broken;
  }

  String brokenMessage() {
    return "no worker could be started ("
        + consecutiveStartFailures
        + " failed in a row): "
        + lastStartFailure;
  }

  /** A worker said hello: starts work again. Under the lock. */
  void started() {
    consecutiveStartFailures = 0;
    broken = false;
  }

  private void run() {
    while (true) {
      List<Worker> toSpawn;
      lock.lock();
      try {
        if (lock.closed()) {
          return;
        }
        lock.clearWake();
        toSpawn = round(System.nanoTime());
      } finally {
        lock.unlockAndRun();
      }
      for (Worker worker : toSpawn) {
        spawn(worker);
      }
      lock.lock();
      try {
        lock.awaitWake(WorkerPool.TICK_NANOS);
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
    }
  }

  /** One round, under the lock: exits, then deadlines; returns the workers to spawn outside it. */
  List<Worker> round(long now) {
    handleExits(now);
    checkDeadlines(now);
    return planSpawns(now);
  }

  /**
   * Handles the workers whose process ended, each once its connection has been read to the end (so
   * that every response it sent before dying counts).
   */
  private void handleExits(long now) {
    for (Iterator<Worker> it = exited.iterator(); it.hasNext(); ) {
      Worker worker = it.next();
      if (worker.channel != null && !worker.readerDone) {
        if (worker.exitSeenNanos == 0) {
          worker.exitSeenNanos = now;
        } else if (now - worker.exitSeenNanos > TimeUnit.SECONDS.toNanos(2)) {
          // Should not happen: a dead process's socket ends.
          Connections.closeQuietly(worker.channel);
        }
        continue;
      }
      it.remove();
      handleExit(worker, now);
    }
  }

  private void checkDeadlines(long now) {
    long timeout = spec.taskTimeout().toNanos();
    for (Worker w : workers) {
      if (w.killedFor != null || w.process == null) {
        continue;
      }
      if (w.state == Worker.State.STARTING) {
        if (now - w.spawnNanos > WorkerPool.START_TIMEOUT.toNanos()) {
          w.killedFor = "start-timeout";
          w.process.destroyForcibly();
        }
      } else if (!w.inFlight.isEmpty() && now - w.headStartNanos > timeout) {
        w.killedFor = TaskResult.TIMEOUT;
        w.timedOutRequest = w.inFlight.peekFirst().requestId;
        w.process.destroyForcibly();
      }
    }
  }

  /**
   * Reserves the workers to spawn now: replacements for the dead and the retiring. Under the lock;
   * spawn each outside it.
   */
  List<Worker> planSpawns(long now) {
    List<Worker> plan = new ArrayList<>();
    if (lock.closed()) {
      return plan;
    }
    int active = 0;
    boolean starting = false;
    for (Worker w : workers) {
      if (w.state != Worker.State.RETIRING) {
        active++;
      }
      starting |= w.state == Worker.State.STARTING;
    }
    int need = spec.workers() - active;
    if (need <= 0 || now < nextSpawnNanos) {
      return plan;
    }
    if (consecutiveStartFailures > 0) {
      if (starting) {
        return plan; // probe one worker at a time while starts fail
      }
      need = 1;
    }
    for (int i = 0; i < need; i++) {
      int id = nextWorkerId++;
      Worker worker = new Worker(id, folder.resolve("worker-" + id + ".log"));
      workers.add(worker);
      plan.add(worker);
    }
    return plan;
  }

  /** Starts a reserved worker's process (outside the lock). */
  void spawn(Worker worker) {
    WorkerProcess.Launch launch = WorkerProcess.launch(spec, socket, worker);
    Process process = launch.process();
    boolean closedMeanwhile;
    lock.lock();
    try {
      closedMeanwhile = lock.closed();
      worker.spawnNanos = launch.spawnNanos();
      if (process == null) {
        worker.spawnError = launch.error();
        exited.add(worker);
        lock.wakeSupervisor();
        return;
      }
      counts.workerStarts.incrementAndGet();
      Reaper.add(process);
      worker.process = process;
      worker.pid = process.pid();
      process
          .onExit()
          .whenComplete(
              (p, e) -> {
                lock.lock();
                try {
                  exited.add(worker);
                  lock.wakeSupervisor();
                } finally {
                  lock.unlock();
                }
              });
    } finally {
      lock.unlockAndRun();
    }
    if (closedMeanwhile) {
      WorkerProcess.reap(process, 0);
    }
  }

  /** Deals with a worker whose process ended (or could not be started). */
  private void handleExit(Worker worker, long now) {
    if (worker.exitHandled || lock.closed()) {
      return;
    }
    worker.exitHandled = true;
    workers.remove(worker);
    worker.stopWriter();
    Integer code = null;
    String exit;
    if (worker.process == null) {
      exit = worker.spawnError;
    } else {
      Reaper.remove(worker.process);
      code = worker.process.exitValue();
      exit = ExitStatus.describe(code);
    }
    String tail = worker.process == null ? "" : LogTail.read(worker.log);

    if (worker.state == Worker.State.STARTING) {
      startFailed(worker, exit, tail, now);
      return;
    }
    String kind = deaths.onDeath(worker, code, exit, tail, now);
    if (DeathPolicy.RECYCLED.equals(kind)) {
      try {
        Files.deleteIfExists(worker.log);
      } catch (IOException ignored) {
        // removed with the pool's folder
      }
      return;
    }
    failPendingIfBroken();
    dispatcher.dispatch();
  }

  /** A worker died before its hello: back off, and after too many in a row fail what waits. */
  private void startFailed(Worker worker, String exit, String tail, long now) {
    counts.startFailures.incrementAndGet();
    consecutiveStartFailures++;
    nextSpawnNanos =
        now
            + Math.min(
                TimeUnit.SECONDS.toNanos(5), (100L << (consecutiveStartFailures - 1)) * 1_000_000L);
    lastStartFailure =
        worker.name()
            + " could not start ("
            + exit
            + ("start-timeout".equals(worker.killedFor)
                ? ", killed: no hello within " + WorkerPool.START_TIMEOUT.toSeconds() + " s"
                : "")
            + ")"
            + (tail.isEmpty() ? "" : "; the last lines of its log:\n" + tail);
    if (consecutiveStartFailures >= WorkerPool.MAX_START_FAILURES) {
      broken = true;
    }
    failPendingIfBroken();
    lock.signalAll();
  }

  private void failPendingIfBroken() {
    if (!broken) {
      return;
    }
    dispatcher.failPending(TaskResult.CRASH, brokenMessage());
  }
}
