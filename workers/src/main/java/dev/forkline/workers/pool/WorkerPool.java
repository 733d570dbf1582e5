package dev.forkline.workers.pool;

import dev.forkline.workers.protocol.Frames;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool of worker JVMs that run kernels on tasks, each task in a process of its own so that a
 * crash, hang or OOM kills one worker, never the caller.
 *
 * <pre>{@code
 * try (WorkerPool pool = WorkerPool.start(PoolSpec.builder("test.echo").withWorkers(2).build())) {
 *   TaskResult result = pool.call("test.echo", bytes);
 *   if (result.ok()) use(result.payload()); else report(result.kind(), result.message());
 * }
 * }</pre>
 *
 * <p>Workers talk to the pool over a Unix-domain socket in a private (0700) folder; their stdout
 * and stderr go to a log file per worker, whose last lines failures carry. A task goes to the least
 * busy ready worker with fewer than {@code window} tasks in flight, else waits in the pool. A
 * worker runs its tasks in order, one at a time, so the pool knows which task is running; that
 * task's deadline starts when it reaches the head of its worker's queue.
 *
 * <p>Faults: a kernel exception is a {@code task-error} (retried only if {@code taskErrorRetries >
 * 0}); a worker that dies (exit, signal, OOM) or overruns the task timeout (and is then killed)
 * charges its running task one attempt and is replaced; after a crash or timeout the task is re-run
 * on another worker while its crash budget lasts, then fails as {@code crash} or {@code timeout};
 * an out-of-memory death fails the task as {@code oom} at once (the same task would run out again).
 * Tasks queued on a dead worker that had not started are re-dispatched uncharged. After three
 * consecutive workers fail to start, queued tasks fail as {@code crash} with the reason, and the
 * pool keeps trying with a back-off.
 *
 * <p>Thread-safe. Futures are completed on the pool's own threads: attach only short callbacks, or
 * use the {@code ...Async} variants.
 */
public final class WorkerPool implements AutoCloseable {

  /** How long a worker may take from spawn to hello. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  /** How often the supervisor checks deadlines. */
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

  /** Consecutive start failures after which queued tasks fail instead of waiting. */
  static final int MAX_START_FAILURES = 3;

  /** How long {@link #close} waits for workers to exit on their own. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  /** The largest task payload: what fits in a frame. */
  public static final int MAX_PAYLOAD_BYTES = Frames.MAX_FRAME_BYTES - 64 * 1024;

  private static final AtomicInteger POOL_NUMBERS = new AtomicInteger();

  private final PoolSpec spec;
  private final int number;
  private final Path folder;
  private final PoolLock lock = new PoolLock();
  private final Counts counts = new Counts();
  private final Dispatcher dispatcher;
  private final Supervisor supervisor;
  private final Connections connections;

  /** The live workers: starting, ready or retiring. Guarded by lock. */
  private final List<Worker> workers = new ArrayList<>();

  private WorkerPool(PoolSpec spec) throws IOException {
    this.spec = spec;
    this.number = POOL_NUMBERS.incrementAndGet();
    this.folder = WorkerProcess.privateFolder();
    Reaper.addFolder(folder);
    Path socket = folder.resolve("pool.sock");
    this.dispatcher = new Dispatcher(spec, lock, counts, workers);
    this.supervisor =
        new Supervisor(
            spec,
            number,
            folder,
            socket,
            lock,
            counts,
            workers,
            dispatcher,
            new DeathPolicy(spec, counts, dispatcher));
    this.connections = new Connections(number, socket, lock, workers, dispatcher, supervisor);
    connections.start();
  }

  /**
   * Starts a pool and all its workers, and returns once every worker is ready to serve.
   *
   * @throws IOException if a worker could not start: the message has its exit and the last lines of
   *     its log (e.g. a bad JVM flag or class path)
   */
  public static WorkerPool start(PoolSpec spec) throws IOException {
    WorkerPool pool = new WorkerPool(spec);
    try {
      pool.startWorkers();
      return pool;
    } catch (IOException | RuntimeException e) {
      pool.close();
      throw e;
    } catch (InterruptedException e) {
      pool.close();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the workers", e);
    }
  }

  private void startWorkers() throws IOException, InterruptedException {
    List<Worker> initial;
    lock.lock();
    try {
      initial = supervisor.planSpawns(System.nanoTime());
    } finally {
      lock.unlockAndRun();
    }
    supervisor.start();
    for (Worker worker : initial) {
      supervisor.spawn(worker);
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(5);
    lock.lock();
    try {
      while (true) {
        if (supervisor.lastStartFailure() != null) {
          throw new IOException(supervisor.lastStartFailure());
        }
        if (initial.stream().allMatch(w -> w.state == Worker.State.READY)) {
          return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IOException("the workers did not start within " + START_TIMEOUT);
        }
        lock.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The spec this pool was started with. */
  public PoolSpec spec() {
    return spec;
  }

  /** The number of workers the pool keeps (its spec's). */
  public int workers() {
    return spec.workers();
  }

  /** True once {@link #close} was called. */
  public boolean isClosed() {
    lock.lock();
    try {
      return lock.closed();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends a task to a worker. Never blocks and never completes exceptionally: every outcome,
   * including an unknown kernel, an oversized payload or a closed pool, is a {@link TaskResult}.
   *
   * @param kernel one of the pool's kernels
   * @param payload the task's input; not copied, do not modify it until the result is in
   */
  public CompletableFuture<TaskResult> submit(String kernel, byte[] payload) {
    Task task = new Task(kernel, payload, System.nanoTime());
    if (!spec.kernels().contains(kernel)) {
      task.future.complete(
          task.failure(
              TaskResult.TASK_ERROR,
              "kernel '" + kernel + "' is not one of this pool's kernels " + spec.kernels()));
      counts.taskErrors.incrementAndGet();
      return task.future;
    }
    if (payload.length > MAX_PAYLOAD_BYTES) {
      task.future.complete(
          task.failure(
              TaskResult.TASK_ERROR,
              "payload of "
                  + payload.length
                  + " bytes exceeds the pool's limit of "
                  + MAX_PAYLOAD_BYTES
                  + " bytes"));
      counts.taskErrors.incrementAndGet();
      return task.future;
    }
    lock.lock();
    try {
      if (lock.closed()) {
        dispatcher.refuse(task, TaskResult.POOL_CLOSED, "the pool is closed");
      } else if (supervisor.broken()) {
        dispatcher.refuse(task, TaskResult.CRASH, supervisor.brokenMessage());
      } else {
        dispatcher.enqueue(task);
      }
    } finally {
      lock.unlockAndRun();
    }
    return task.future;
  }

  /** Submits a task and waits for its result. */
  public TaskResult call(String kernel, byte[] payload) throws InterruptedException {
    try {
      return submit(kernel, payload).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("a pool future cannot fail", e);
    }
  }

  /**
   * The counts since the last drain (each reset to zero as it is read), with the current number of
   * tasks in flight and of live workers.
   */
  public PoolCounters drainCounters() {
    int inFlight;
    int live;
    lock.lock();
    try {
      inFlight = dispatcher.tasksInPool();
      live = workers.size();
    } finally {
      lock.unlock();
    }
    return counts.drain(inFlight, live);
  }

  /** A snapshot of the live workers. */
  public List<WorkerInfo> workerInfo() {
    lock.lock();
    try {
      List<WorkerInfo> infos = new ArrayList<>();
      for (Worker w : workers) {
        infos.add(w.info());
      }
      return infos;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the pool: fails every unfinished task as {@code pool-closed}, closes the connections (so
   * workers exit), waits up to 2 s, then kills and reaps any worker left. Idempotent.
   */
  @Override
  public void close() {
    List<Worker> all;
    lock.lock();
    try {
      if (lock.closed()) {
        return;
      }
      lock.setClosed();
      dispatcher.failAll(TaskResult.POOL_CLOSED, "the pool was closed");
      lock.wakeSupervisor();
    } finally {
      lock.unlockAndRun();
    }
    connections.close();
    supervisor.join();
    lock.lock();
    try {
      all = new ArrayList<>(workers);
      workers.clear();
    } finally {
      lock.unlock();
    }
    for (Worker w : all) {
      w.stopWriter();
      Connections.closeQuietly(w.channel);
    }
    long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
    for (Worker w : all) {
      if (w.process != null) {
        WorkerProcess.reap(w.process, Math.max(0, deadline - System.nanoTime()));
      }
    }
    Reaper.removeFolder(folder);
  }

  @Override
  public String toString() {
    return "WorkerPool#" + number + spec.kernels();
  }
}
