package dev.forkline.workers.pool;

import dev.forkline.workers.protocol.ChannelStreams;
import dev.forkline.workers.protocol.Frames;
import dev.forkline.workers.protocol.Message;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pool's end of its Unix socket: owns the server channel and the threads that accept workers'
 * connections, read each worker's hello and then its responses, and write its requests. A hello
 * makes a starting worker ready; a response goes to the {@link Dispatcher}.
 */
final class Connections {

  private final int number;
  private final PoolLock lock;
  private final List<Worker> workers;
  private final Dispatcher dispatcher;
  private final Supervisor supervisor;
  private final ServerSocketChannel server;

  /** Binds the socket; {@link #start} accepts on it. */
  Connections(
      int number,
      Path socket,
      PoolLock lock,
      List<Worker> workers,
      Dispatcher dispatcher,
      Supervisor supervisor)
      throws IOException {
    this.number = number;
    this.lock = lock;
    this.workers = workers;
    this.dispatcher = dispatcher;
    this.supervisor = supervisor;
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
  }

  void start() {
    Thread acceptor = new Thread(this::acceptLoop, "forkline-pool-" + number + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Stops accepting; the connections of workers are closed by the pool. */
  void close() {
    closeQuietly(server);
  }

  private void acceptLoop() {
    while (true) {
      SocketChannel channel;
      try {
        channel = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      Thread reader = new Thread(() -> readLoop(channel), "forkline-pool-" + number + "-conn");
      reader.setDaemon(true);
      reader.start();
    }
  }

  /** Reads a worker's hello, then its responses until the connection ends. */
  private void readLoop(SocketChannel channel) {
    Worker worker = null;
    try {
      DataInputStream in =
          new DataInputStream(new BufferedInputStream(ChannelStreams.in(channel), 64 * 1024));
      Message first = Frames.read(in, Frames.MAX_FRAME_BYTES);
      if (!(first instanceof Message.Hello hello) || hello.version() != Frames.VERSION) {
        return;
      }
      worker = register(hello, channel);
      if (worker == null) {
        return;
      }
      Thread.currentThread().setName("forkline-pool-" + number + "-worker-" + worker.id + "-read");
      Message message;
      while ((message = Frames.read(in, Frames.MAX_FRAME_BYTES)) != null) {
        if (!(message instanceof Message.Response response)) {
          throw new IOException("unexpected " + message.getClass().getSimpleName() + " frame");
        }
        onResponse(worker, response);
      }
    } catch (IOException e) {
      // The connection broke or carried nonsense: the worker is finished either way.
    } finally {
      closeQuietly(channel);
      if (worker != null) {
        readerDone(worker);
      }
    }
  }

  /** Tells the supervisor that a worker's responses are all in, and ends the worker. */
  private void readerDone(Worker worker) {
    lock.lock();
    try {
      worker.readerDone = true;
      lock.wakeSupervisor();
    } finally {
      lock.unlock();
    }
    worker.stopWriter();
    Process process = worker.process;
    // A worker halts when its connection ends; one that does not is killed.
    try {
      if (!process.waitFor(1, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
    }
  }

  /** Makes the starting worker that said hello ready; null if there is none of that id and pid. */
  private Worker register(Message.Hello hello, SocketChannel channel) throws IOException {
    Worker worker = null;
    lock.lock();
    try {
      for (Worker w : workers) {
        if (w.id == hello.workerId() && w.state == Worker.State.STARTING && w.channel == null) {
          worker = w;
        }
      }
      if (lock.closed() || worker == null || worker.pid != hello.pid()) {
        return null;
      }
      worker.channel = channel;
      worker.state = Worker.State.READY;
      worker.startupNanos = System.nanoTime() - worker.spawnNanos;
      supervisor.started();
      Worker ready = worker;
      DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(ChannelStreams.out(channel), 64 * 1024));
      Thread writer =
          new Thread(
              () -> writeLoop(ready, out),
              "forkline-pool-" + number + "-worker-" + worker.id + "-write");
      writer.setDaemon(true);
      writer.start();
      dispatcher.dispatch();
      lock.signalAll();
      return worker;
    } finally {
      lock.unlockAndRun();
    }
  }

  /** Writes a worker's requests, many per flush when they queue up. */
  private void writeLoop(Worker worker, DataOutputStream out) {
    try {
      while (true) {
        Object item = worker.outbox.take();
        while (item != null && item != Worker.STOP) {
          Frames.write(out, (Message) item);
          item = worker.outbox.poll();
        }
        out.flush();
        if (item == Worker.STOP) {
          if (worker.retired) {
            worker.channel.shutdownOutput(); // the worker exits at end of input
          }
          return;
        }
      }
    } catch (IOException | InterruptedException e) {
      // The connection is gone; the reader and the supervisor deal with the worker.
    }
  }

  private void onResponse(Worker worker, Message.Response response) throws IOException {
    lock.lock();
    try {
      dispatcher.answered(worker, response);
    } finally {
      lock.unlockAndRun();
    }
  }

  static void closeQuietly(AutoCloseable closeable) {
    if (closeable != null) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // closing is best effort
      }
    }
  }
}
