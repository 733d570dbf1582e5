package dev.forkline.workers.protocol;

import dev.forkline.workers.kernel.Kernel;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * The worker side of the protocol: reads requests on the calling thread and runs them, in order,
 * one at a time, on a kernel thread that writes exactly one response per request. A kernel's
 * exception (or an unknown kernel) becomes an error response and the loop goes on.
 *
 * <p>Reading and running are on separate threads so that the end of input is seen even while a
 * kernel hangs: {@link #run} returns at once, and the worker JVM halts.
 */
public final class WorkerLoop {

  /** Where requests come from and responses go; nothing else is ever written to it. */
  public interface Transport extends AutoCloseable {
    /** The next request, or null at the end of input. */
    Message.Request read() throws IOException;

    /** Writes (and flushes) one response. Called from the kernel thread only. */
    void write(Message.Response response) throws IOException;

    @Override
    void close();
  }

  private static final Message.Request STOP = new Message.Request(-1, "", new byte[0]);

  private final Transport transport;
  private final Function<String, Kernel> kernels;
  private final BlockingQueue<Message.Request> queue = new LinkedBlockingQueue<>();
  private final Thread kernelThread;
  private volatile Throwable failure;

  /**
   * @param kernels finds a kernel by name, throwing {@link IllegalArgumentException} for an unknown
   *     one
   */
  public WorkerLoop(Transport transport, Function<String, Kernel> kernels) {
    this.transport = transport;
    this.kernels = kernels;
    this.kernelThread = new Thread(this::runKernels, "forkline-kernel");
    this.kernelThread.setDaemon(true);
    // Loaded now, not at the first error: a class path that vanishes later cannot stop answers.
    Message.Response.error(0, 0, new Exception());
  }

  /**
   * Reads requests until the end of input and queues them for the kernel thread. Returns at the end
   * of input without waiting for queued or running tasks (see {@link #finish}).
   *
   * @throws IOException if the input is malformed or a response could not be written or built
   */
  public void run() throws IOException {
    kernelThread.start();
    try {
      Message.Request request;
      while ((request = transport.read()) != null) {
        queue.add(request);
      }
    } catch (IOException e) {
      throwFailure();
      throw e;
    }
    throwFailure();
  }

  private void throwFailure() throws IOException {
    Throwable e = failure;
    if (e instanceof IOException io) {
      throw io;
    } else if (e != null) {
      throw new IOException("the kernel thread failed", e);
    }
  }

  /** Lets the kernel thread answer every request read so far, then stops it (for tests). */
  public void finish() throws InterruptedException {
    queue.add(STOP);
    kernelThread.join();
  }

  private void runKernels() {
    try {
      while (true) {
        Message.Request request = queue.take();
        if (request == STOP) {
          return;
        }
        transport.write(runOne(request));
      }
    } catch (InterruptedException e) {
      // stopped
    } catch (Throwable e) {
      // The response could not be written or built (a broken connection, or a class that can no
      // longer be loaded): the worker cannot go on, so end the loop rather than hang.
      failure = e;
      transport.close();
    }
  }

  private Message.Response runOne(Message.Request request) {
    long start = System.nanoTime();
    try {
      byte[] result = kernels.apply(request.kernel()).apply(request.payload());
      if (result == null) {
        throw new NullPointerException("kernel '" + request.kernel() + "' returned null");
      }
      return Message.Response.ok(request.id(), System.nanoTime() - start, result);
    } catch (Throwable e) {
      return Message.Response.error(request.id(), System.nanoTime() - start, e);
    }
  }
}
