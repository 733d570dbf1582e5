package dev.forkline.workers.pool;

import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One worker of a pool: its process, connection, the tasks sent to it in order, and what the
 * supervisor knows of its life. Guarded by the pool's lock, except the outbox, which its writer
 * thread drains.
 */
final class Worker {

  /** Put in an outbox to end its writer thread. */
  static final Object STOP = new Object();

  enum State {
    STARTING,
    READY,
    RETIRING
  }

  final int id;
  final Path log;
  final ArrayDeque<Task> inFlight = new ArrayDeque<>();
  final LinkedBlockingQueue<Object> outbox = new LinkedBlockingQueue<>();
  State state = State.STARTING;
  long spawnNanos;
  Process process;
  long pid = -1;
  String spawnError;
  SocketChannel channel;
  long startupNanos = -1;
  long headStartNanos;
  int assigned;
  long done;

  /** Why the pool killed it: "timeout" or "start-timeout"; null if it did not. */
  String killedFor;

  long timedOutRequest = -1;
  boolean retired;
  boolean readerDone;
  long exitSeenNanos;
  boolean exitHandled;

  Worker(int id, Path log) {
    this.id = id;
    this.log = log;
  }

  String name() {
    return "worker " + id + (pid >= 0 ? " (pid " + pid + ")" : "");
  }

  /** Ends its writer thread once the requests before are written. */
  void stopWriter() {
    outbox.add(STOP);
  }

  WorkerInfo info() {
    return new WorkerInfo(
        id,
        pid,
        state.name().toLowerCase(Locale.ROOT),
        inFlight.size(),
        done,
        startupNanos < 0 ? null : Duration.ofNanos(startupNanos));
  }
}
