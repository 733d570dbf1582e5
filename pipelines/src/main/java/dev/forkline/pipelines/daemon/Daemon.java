package dev.forkline.pipelines.daemon;

import dev.forkline.pipelines.cli.ExitCodes;
import dev.forkline.pipelines.cli.ForklineCli;
import dev.forkline.pipelines.cli.Logging;
import dev.forkline.pipelines.exec.Shared;
import dev.forkline.workers.pool.WorkerPools;
import dev.forkline.workers.protocol.ChannelStreams;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A forkline JVM kept warm between runs ({@code FORKLINE_DAEMON=1}): the JVM, Beam and the JIT's
 * work outlive a run, so the next run of the same folder starts in tens of milliseconds instead of
 * two seconds. One per working directory, jar and environment (the launcher names the socket by a
 * hash of them); one run at a time (a second, concurrent run gets BUSY and runs in a JVM of its
 * own).
 *
 * <p>A run in the daemon behaves like a run in its own JVM: its stdout, stderr (logs, progress) and
 * exit code go to the client; if the client goes away mid-run (Ctrl-C, {@code kill -9}), the daemon
 * exits as that JVM would have died, so the run's journal and output lock behave exactly as after a
 * {@code kill -9}; worker JVMs see their pool's socket close and exit. State a run leaves in the
 * JVM (host health, robots.txt cache, HTTP clients) is dropped before the next; a run that aborted
 * (exit 3) or left a shared resource open ends the daemon after it answers.
 *
 * <p>It exits after {@code forkline.daemon.idle-minutes} (default 30) without a run, when its
 * socket file is removed, or when its jar is rebuilt.
 */
public final class Daemon {
  static {
    // Before the first logger: slf4j-simple reads its settings once.
    Logging.configure(false);
  }

  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  /** Process pools kept running between runs, least recently used closed first. */
  static final int KEPT_POOLS = 2;

  private final Path socket;
  private final Duration idleLimit;
  private final String cwd = Path.of("").toAbsolutePath().toString();
  private final long pid = ProcessHandle.current().pid();
  private final long started = System.nanoTime();
  private final AtomicBoolean busy = new AtomicBoolean();

  /** Held while a run's end is decided and its exit code sent, and by whatever exits when idle. */
  private final Object exitGate = new Object();

  private final PrintStream daemonOut = System.out;
  private final PrintStream daemonErr = System.err;
  private volatile long lastUse = System.nanoTime();
  private volatile boolean stopAfterRun;
  private volatile int runs;

  /**
   * Held for the daemon's life: one daemon per socket. A field, not a local of {@link #serve}: a
   * lock only a dead local refers to may be collected with its channel, which releases it.
   */
  private FileLock lock;

  private Daemon(Path socket, Duration idleLimit) {
    this.socket = socket;
    this.idleLimit = idleLimit;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: Daemon SOCKET");
      System.exit(2);
    }
    long minutes = Long.getLong("forkline.daemon.idle-minutes", 30);
    new Daemon(Path.of(args[0]).toAbsolutePath(), Duration.ofMinutes(Math.max(1, minutes))).serve();
  }

  private void serve() throws IOException {
    Path lockFile = socket.resolveSibling(socket.getFileName() + ".lock");
    FileChannel lockChannel =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    lock = lockChannel.tryLock();
    if (lock == null) {
      LOG.info("another daemon serves {}; exiting", socket);
      System.exit(0);
    }
    // The lock is ours: a socket file left here belongs to a daemon that died.
    Files.deleteIfExists(socket);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Object socketKey = Files.readAttributes(socket, "unix:ino").get("ino");
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (sameSocket(socketKey)) {
                    try {
                      Files.deleteIfExists(socket);
                    } catch (IOException e) {
                      // a later daemon replaces it
                    }
                  }
                },
                "forkline-daemon-socket"));
    Path jar = ownJar();
    long jarTime = jar == null ? 0 : Files.getLastModifiedTime(jar).toMillis();
    // The worker JVMs of the last two process pools outlive their run: a next run with the same
    // stage settings gets them running and warm (they exit with the daemon).
    WorkerPools.keepIdlePools(KEPT_POOLS);
    LOG.info(
        "forkline daemon pid {} serving {} from {} (idle limit {})", pid, cwd, socket, idleLimit);
    Thread watchdog = new Thread(() -> watch(socketKey, jar, jarTime), "forkline-daemon-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    while (true) {
      SocketChannel client = server.accept();
      Thread handler = new Thread(() -> handle(client), "forkline-daemon-client");
      handler.setDaemon(true);
      handler.start();
    }
  }

  /** Ends the daemon when idle too long, when its socket is gone or its jar was rebuilt. */
  private void watch(Object socketKey, Path jar, long jarTime) {
    while (true) {
      try {
        Thread.sleep(2_000);
      } catch (InterruptedException e) {
        return;
      }
      if (busy.get()) {
        continue;
      }
      String why = null;
      if (System.nanoTime() - lastUse > idleLimit.toNanos()) {
        why = "idle for " + idleLimit.toMinutes() + " min";
      } else if (!sameSocket(socketKey)) {
        why = "its socket " + socket + " was removed";
      } else if (jar != null && jarChanged(jar, jarTime)) {
        why = "its jar " + jar + " was rebuilt";
      }
      synchronized (exitGate) {
        if (why != null && busy.compareAndSet(false, true)) {
          LOG.info("forkline daemon pid {} exiting: {}", pid, why);
          exit(0);
        }
      }
    }
  }

  private boolean sameSocket(Object key) {
    try {
      return key.equals(Files.readAttributes(socket, "unix:ino").get("ino"));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static boolean jarChanged(Path jar, long time) {
    try {
      return Files.getLastModifiedTime(jar).toMillis() != time;
    } catch (IOException e) {
      return true;
    }
  }

  private static Path ownJar() {
    try {
      Path p = Path.of(Daemon.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isRegularFile(p) ? p : null;
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  private void handle(SocketChannel channel) {
    try (channel) {
      DataInputStream in = new DataInputStream(new BufferedInputStream(ChannelStreams.in(channel)));
      DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(ChannelStreams.out(channel)));
      DaemonProtocol.Request request;
      try {
        request = DaemonProtocol.readRequest(in);
      } catch (IOException e) {
        LOG.warn("ignored a connection: {}", e.getMessage());
        return;
      }
      switch (request.kind()) {
        case DaemonProtocol.STATUS -> answer(out, status());
        case DaemonProtocol.STOP -> stop(out);
        case DaemonProtocol.RUN -> run(request, in, out);
        default -> LOG.warn("ignored a request of unknown kind {}", request.kind());
      }
    } catch (IOException e) {
      LOG.info("a client went away: {}", e.getMessage());
    }
  }

  private String status() {
    Runtime rt = Runtime.getRuntime();
    return String.format(
        Locale.ROOT,
        "forkline daemon pid %d: folder %s, up %d s, %d runs, %s, heap %d MiB of %d MiB%n",
        pid,
        cwd,
        (System.nanoTime() - started) / 1_000_000_000L,
        runs,
        busy.get() ? "running a run" : "idle",
        (rt.totalMemory() - rt.freeMemory()) >> 20,
        rt.maxMemory() >> 20);
  }

  private void answer(DataOutputStream out, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    DaemonProtocol.writeAccepted(out, pid);
    DaemonProtocol.writeFrames(out, DaemonProtocol.OUT, bytes, 0, bytes.length);
    DaemonProtocol.writeExit(out, ExitCodes.OK);
  }

  private void stop(DataOutputStream out) throws IOException {
    synchronized (exitGate) {
      if (busy.compareAndSet(false, true)) {
        answer(out, "stopped the forkline daemon pid " + pid + " (" + cwd + ")\n");
        LOG.info("forkline daemon pid {} exiting: asked to stop", pid);
        exit(0);
      }
      stopAfterRun = true;
    }
    answer(out, "the forkline daemon pid " + pid + " (" + cwd + ") stops when its run ends\n");
  }

  private void run(DaemonProtocol.Request request, DataInputStream in, DataOutputStream out)
      throws IOException {
    if (!cwd.equals(request.cwd()) || stopAfterRun || !busy.compareAndSet(false, true)) {
      synchronized (out) {
        out.writeByte(DaemonProtocol.BUSY);
        out.flush();
      }
      return;
    }
    try {
      DaemonProtocol.writeAccepted(out, pid);
    } catch (IOException e) {
      busy.set(false); // gone before its run started
      throw e;
    }
    int code = ExitCodes.ABORTED;
    AtomicBoolean finished = new AtomicBoolean();
    try {
      Thread watcher = new Thread(() -> watchClient(in, finished), "forkline-daemon-client-watch");
      watcher.setDaemon(true);
      watcher.start();
      code = execute(request, out);
    } finally {
      finished.set(true);
      System.setOut(daemonOut);
      System.setErr(daemonErr);
      runs++;
      lastUse = System.nanoTime();
    }
    String why = null;
    // Free before the exit code goes out (a client's next run must find the daemon free), but
    // under the gate, so neither the watchdog nor a stop can exit before the code is sent.
    synchronized (exitGate) {
      if (code == ExitCodes.ABORTED) {
        why = "the run aborted, so what it left in this JVM is not trusted";
      } else if (Shared.live() > 0) {
        why = Shared.live() + " shared stage resources were left open by the run";
      } else if (stopAfterRun) {
        why = "asked to stop";
      }
      if (why == null) {
        busy.set(false);
      }
      try {
        DaemonProtocol.writeExit(out, code);
      } catch (IOException e) {
        // The client left as the run ended; the run is done all the same.
        LOG.info("the client left before the exit code {} reached it", code);
      }
    }
    if (why != null) {
      LOG.info("forkline daemon pid {} exiting: {}", pid, why);
      exit(0);
    }
  }

  private int execute(DaemonProtocol.Request request, DataOutputStream out) {
    PrintStream stdout =
        new PrintStream(
            new DaemonProtocol.FrameStream(out, DaemonProtocol.OUT), true, StandardCharsets.UTF_8);
    PrintStream stderr =
        new PrintStream(
            new DaemonProtocol.FrameStream(out, DaemonProtocol.ERR), true, StandardCharsets.UTF_8);
    // What a run prints through System.out/err (logs, progress, worker stderr) goes to its client.
    System.setOut(stdout);
    System.setErr(stderr);
    System.setProperty("forkline.stderr.tty", Boolean.toString(request.stderrIsTerminal()));
    LOG.debug("run {}", request.args());
    try {
      return ForklineCli.execute(
          request.args().toArray(String[]::new),
          new PrintWriter(stdout, true),
          new PrintWriter(stderr, true));
    } catch (RuntimeException | Error e) {
      stderr.println("forkline: unexpected error in the daemon: " + e);
      return ExitCodes.ABORTED;
    } finally {
      stdout.flush();
      stderr.flush();
    }
  }

  /** The client sends nothing after its request: the end of its stream means it is gone. */
  private void watchClient(DataInputStream in, AtomicBoolean finished) {
    try {
      while (in.read() >= 0) {
        // nothing is expected; ignore
      }
    } catch (IOException e) {
      // gone as well
    }
    if (!finished.get()) {
      daemonErr.println(
          "forkline daemon pid " + pid + ": the client went away mid-run; exiting as a run would");
      exit(130);
    }
  }

  /** Exits, running shutdown hooks (staging clean-up, worker reaper); halts if they hang. */
  private static void exit(int code) {
    Thread halt =
        new Thread(
            () -> {
              try {
                Thread.sleep(10_000);
              } catch (InterruptedException e) {
                return;
              }
              Runtime.getRuntime().halt(code);
            },
            "forkline-daemon-halt");
    halt.setDaemon(true);
    halt.start();
    System.exit(code);
  }
}
