package dev.forkline.workers.pool;

import dev.forkline.workers.kernel.Kernels;
import dev.forkline.workers.protocol.ChannelStreams;
import dev.forkline.workers.protocol.Frames;
import dev.forkline.workers.protocol.Message;
import dev.forkline.workers.protocol.StreamTransport;
import dev.forkline.workers.protocol.WorkerLoop;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Entry point of a worker JVM: {@code WorkerMain SOCKET WORKER_ID [KERNEL,...]}.
 *
 * <p>Loads the named kernels (a missing one fails the start with a clear message), connects to the
 * pool's Unix-domain socket, says hello with its pid, then serves requests until the connection
 * ends. It halts at once when the connection ends or its parent process dies, even with a kernel
 * still running, so a killed pool never leaves a worker behind. It writes nothing but frames to the
 * socket; its stdout and stderr go to a log file.
 */
public final class WorkerMain {

  /** Exit code when the arguments or the kernels are wrong. */
  static final int EXIT_USAGE = 2;

  /** Exit code when the connection broke or carried a malformed frame. */
  static final int EXIT_PROTOCOL = 4;

  private WorkerMain() {}

  public static void main(String[] args) {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: WorkerMain SOCKET WORKER_ID [KERNEL,...]");
      System.exit(EXIT_USAGE);
    }
    try {
      int workerId = Integer.parseInt(args[1]);
      if (args.length == 3 && !args[2].isEmpty()) {
        for (String kernel : args[2].split(",")) {
          Kernels.get(kernel);
        }
      }
      SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(Path.of(args[0])));
      StreamTransport transport =
          new StreamTransport(
              ChannelStreams.in(channel),
              ChannelStreams.out(channel),
              Frames.MAX_FRAME_BYTES,
              channel);
      transport.send(new Message.Hello(Frames.VERSION, workerId, ProcessHandle.current().pid()));
      if (args.length == 3 && !args[2].isEmpty()) {
        warmUp(args[2].split(","));
      }
      new WorkerLoop(transport, Kernels::get).run();
    } catch (IllegalArgumentException e) {
      System.err.println("forkline worker: " + e.getMessage());
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_USAGE);
    } catch (Throwable e) {
      System.err.println("forkline worker: connection to the pool failed");
      e.printStackTrace();
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_PROTOCOL);
    }
    // End of input: the pool closed the connection.
    Runtime.getRuntime().halt(0);
  }

  /** Warms the kernels up on a background thread while the worker waits for its first task. */
  private static void warmUp(String[] kernels) {
    Thread thread =
        new Thread(
            () -> {
              for (String name : kernels) {
                try {
                  Kernels.get(name).warmUp();
                } catch (Throwable e) {
                  System.err.println("forkline worker: warm-up of " + name + " failed: " + e);
                }
              }
            },
            "forkline-warm-up");
    thread.setDaemon(true);
    thread.start();
  }
}
