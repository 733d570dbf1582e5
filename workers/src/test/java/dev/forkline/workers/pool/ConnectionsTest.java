package dev.forkline.workers.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.protocol.ChannelStreams;
import dev.forkline.workers.protocol.Frames;
import dev.forkline.workers.protocol.Message;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hello/request/response protocol against a worker played by the test on the socket: no worker
 * JVM (a {@code sleep} process stands in for its process) and no supervisor thread.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ConnectionsTest {

  private final PoolLock lock = new PoolLock();
  private final Counts counts = new Counts();
  private final List<Worker> workers = new ArrayList<>();
  private final PoolSpec spec = PoolSpec.builder("test.echo").withWorkers(1).build();
  private final Dispatcher dispatcher = new Dispatcher(spec, lock, counts, workers);
  private Path folder;
  private Process standIn;
  private Connections connections;

  private Worker startingWorker() throws Exception {
    folder = WorkerProcess.privateFolder();
    Supervisor supervisor =
        new Supervisor(
            spec,
            0,
            folder,
            folder.resolve("pool.sock"),
            lock,
            counts,
            workers,
            dispatcher,
            new DeathPolicy(spec, counts, dispatcher));
    connections =
        new Connections(0, folder.resolve("pool.sock"), lock, workers, dispatcher, supervisor);
    connections.start();
    standIn = new ProcessBuilder("sleep", "30").start();
    Worker worker = new Worker(0, folder.resolve("worker-0.log"));
    worker.process = standIn;
    worker.pid = standIn.pid();
    lock.lock();
    try {
      workers.add(worker);
    } finally {
      lock.unlock();
    }
    return worker;
  }

  private SocketChannel connect() throws Exception {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(folder.resolve("pool.sock")));
    return channel;
  }

  private void awaitState(Worker worker, Worker.State state) throws Exception {
    while (true) {
      lock.lock();
      try {
        if (worker.state == state) {
          return;
        }
      } finally {
        lock.unlock();
      }
      Thread.sleep(5);
    }
  }

  @AfterEach
  void tearDown() {
    if (connections != null) {
      connections.close();
    }
    if (standIn != null) {
      standIn.destroyForcibly();
    }
    if (folder != null) {
      Reaper.deleteTree(folder);
    }
  }

  @Test
  void aHelloMakesTheWorkerReadyAndItsResponsesCompleteItsTasks() throws Exception {
    Worker worker = startingWorker();
    try (SocketChannel channel = connect()) {
      DataOutputStream out = new DataOutputStream(ChannelStreams.out(channel));
      DataInputStream in = new DataInputStream(ChannelStreams.in(channel));
      Frames.write(out, new Message.Hello(Frames.VERSION, 0, worker.pid));
      out.flush();
      awaitState(worker, Worker.State.READY);

      Task task = new Task("test.echo", "ping".getBytes(StandardCharsets.UTF_8), System.nanoTime());
      lock.lock();
      try {
        dispatcher.enqueue(task);
      } finally {
        lock.unlockAndRun();
      }
      Message.Request request = (Message.Request) Frames.read(in, Frames.MAX_FRAME_BYTES);
      assertEquals("test.echo", request.kernel());
      assertEquals("ping", new String(request.payload(), StandardCharsets.UTF_8));

      Frames.write(out, Message.Response.ok(request.id(), 1000, "pong".getBytes()));
      out.flush();
      TaskResult result = task.future.get(10, TimeUnit.SECONDS);
      assertTrue(result.ok(), result.toString());
      assertEquals("pong", new String(result.payload(), StandardCharsets.UTF_8));
      assertEquals(worker.pid, result.pid());
    }
    // The connection ended: the reader tells the supervisor and ends the stand-in process.
    assertTrue(standIn.waitFor(10, TimeUnit.SECONDS), "killed after 1 s");
    lock.lock();
    try {
      assertTrue(worker.readerDone);
    } finally {
      lock.unlock();
    }
  }

  @Test
  void aHelloWithAnotherPidIsHungUpOn() throws Exception {
    Worker worker = startingWorker();
    try (SocketChannel channel = connect()) {
      DataOutputStream out = new DataOutputStream(ChannelStreams.out(channel));
      Frames.write(out, new Message.Hello(Frames.VERSION, 0, worker.pid + 1));
      out.flush();
      DataInputStream in = new DataInputStream(ChannelStreams.in(channel));
      assertNull(Frames.read(in, Frames.MAX_FRAME_BYTES), "end of stream");
    }
    lock.lock();
    try {
      assertSame(Worker.State.STARTING, worker.state);
      assertNull(worker.channel);
    } finally {
      lock.unlock();
    }
  }
}
