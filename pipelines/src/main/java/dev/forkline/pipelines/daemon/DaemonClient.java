package dev.forkline.pipelines.daemon;

import dev.forkline.workers.protocol.ChannelStreams;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The launcher's side of the daemon ({@code FORKLINE_DAEMON=1}): hands a {@code run} to a warm
 * forkline JVM kept for this working directory, starting one if there is none, and relays its
 * stdout, stderr and exit code. JDK classes (and the workers' ChannelStreams) only, so this JVM
 * starts in tens of milliseconds.
 *
 * <pre>
 * DaemonClient run SOCKET STDERR_IS_TERMINAL N DAEMON_COMMAND(N words) CLI_ARGS...
 * DaemonClient status|stop FOLDER
 * </pre>
 *
 * Exit code {@value DaemonProtocol#UNAVAILABLE} means no daemon took the run (it could not start,
 * or it is busy with another run); the launcher then runs it in a JVM of its own.
 */
public final class DaemonClient {
  /** How long a daemon that is starting may take before the run goes to a JVM of its own. */
  private static final long START_TIMEOUT_MS = 30_000;

  private DaemonClient() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("run")) {
      haltWithParent();
    }
    System.exit(main(args, System.out, System.err));
  }

  static int main(String[] args, PrintStream stdout, PrintStream stderr) {
    if (args.length == 2 && (args[0].equals("status") || args[0].equals("stop"))) {
      return admin(args[0], Path.of(args[1]), stdout, stderr);
    }
    if (args.length < 4 || !args[0].equals("run")) {
      stderr.println(
          "usage: DaemonClient run SOCKET STDERR_IS_TERMINAL N DAEMON_COMMAND... CLI_ARGS...\n"
              + "       DaemonClient status|stop FOLDER");
      return 2;
    }
    Path socket = Path.of(args[1]);
    boolean terminal = Boolean.parseBoolean(args[2]);
    int n = Integer.parseInt(args[3]);
    List<String> command = Arrays.asList(args).subList(4, 4 + n);
    List<String> cliArgs = Arrays.asList(args).subList(4 + n, args.length);
    DaemonProtocol.Request request =
        new DaemonProtocol.Request(
            DaemonProtocol.RUN,
            Path.of("").toAbsolutePath().toString(),
            terminal,
            List.copyOf(cliArgs));
    SocketChannel channel = connect(socket);
    if (channel == null) {
      Process daemon = start(socket, command, stderr);
      if (daemon == null) {
        return DaemonProtocol.UNAVAILABLE;
      }
      channel = awaitStart(socket, daemon);
      if (channel == null) {
        stderr.println(
            "forkline: the daemon "
                + (daemon.isAlive()
                    ? "did not start within " + START_TIMEOUT_MS / 1000 + " s"
                    : "exited at start")
                + " (its log: "
                + log(socket)
                + "); running without it");
        return DaemonProtocol.UNAVAILABLE;
      }
    }
    return relay(channel, socket, request, stdout, stderr);
  }

  /**
   * The launcher waits for this JVM (it runs the command itself when no daemon takes it). If the
   * launcher is killed, so is this run: halting closes the socket, which ends the daemon's run.
   */
  private static void haltWithParent() {
    ProcessHandle.current()
        .parent()
        .ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(137)));
  }

  /** Sends the request and copies the daemon's frames to our streams until its exit code. */
  static int relay(
      SocketChannel channel,
      Path socket,
      DaemonProtocol.Request request,
      PrintStream stdout,
      PrintStream stderr) {
    try (channel) {
      DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(ChannelStreams.out(channel)));
      DaemonProtocol.writeRequest(out, request);
      DataInputStream in =
          new DataInputStream(new BufferedInputStream(ChannelStreams.in(channel), 1 << 16));
      int answer = DaemonProtocol.readType(in);
      if (answer != DaemonProtocol.ACCEPTED) {
        // BUSY with another run, or the daemon went away before answering: run it ourselves.
        return DaemonProtocol.UNAVAILABLE;
      }
      int pid = in.readInt();
      while (true) {
        int type = DaemonProtocol.readType(in);
        if (type == DaemonProtocol.EXIT) {
          int code = in.readInt();
          stdout.flush();
          stderr.flush();
          return code;
        }
        if (type == DaemonProtocol.OUT || type == DaemonProtocol.ERR) {
          int n = in.readInt();
          byte[] bytes = in.readNBytes(n);
          PrintStream target = type == DaemonProtocol.OUT ? stdout : stderr;
          target.write(bytes, 0, bytes.length);
          target.flush();
          if (bytes.length == n) {
            continue;
          }
        }
        // the end of the stream (or a frame cut short) before the exit code
        stdout.flush();
        stderr.println(
            "forkline: the daemon (pid "
                + pid
                + ") stopped in the middle of the run (its log: "
                + log(socket)
                + "); rows already finished are kept: run again with --resume");
        return 3;
      }
    } catch (IOException e) {
      stderr.println("forkline: lost the connection to the daemon: " + e.getMessage());
      return 3;
    }
  }

  private static SocketChannel connect(Path socket) {
    if (!Files.exists(socket)) {
      return null;
    }
    try {
      SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        channel.connect(UnixDomainSocketAddress.of(socket));
        return channel;
      } catch (IOException e) {
        channel.close();
        return null;
      }
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Starts the daemon in a session of its own, so a Ctrl-C meant for this run does not reach it.
   */
  private static Process start(Path socket, List<String> command, PrintStream stderr) {
    List<String> full = new ArrayList<>();
    full.add("setsid");
    full.addAll(command);
    full.add(socket.toString());
    File log = log(socket).toFile();
    prune(socket.getParent(), STALE_AFTER);
    try {
      stderr.println("forkline: starting a daemon for this folder (log: " + log + ")");
      return new ProcessBuilder(full)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log)) // a dead daemon's lines stay
          .redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      stderr.println(
          "forkline: cannot start the daemon (" + e.getMessage() + "); running without it");
      return null;
    }
  }

  /**
   * Waits until the socket answers. When the started process exits first (a bad JVM flag, or
   * another client's daemon holds the lock and answers instead), waits 2 s more, not 30.
   */
  private static SocketChannel awaitStart(Path socket, Process daemon) {
    long deadline = System.nanoTime() + START_TIMEOUT_MS * 1_000_000;
    boolean exited = false;
    while (System.nanoTime() - deadline < 0) {
      SocketChannel channel = connect(socket);
      if (channel != null) {
        return channel;
      }
      if (!exited && !daemon.isAlive()) {
        exited = true;
        deadline = Math.min(deadline, System.nanoTime() + 2_000_000_000L);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  /** How old a dead daemon's log and lock file get before a new daemon's start deletes them. */
  static final Duration STALE_AFTER = Duration.ofDays(7);

  /**
   * Deletes the logs and lock files of daemons that are gone (no socket) and were last touched more
   * than {@code age} ago: every rebuild of the jar or change of settings gets a daemon of its own,
   * and their files would pile up in the folder. Best effort; called when a daemon starts.
   */
  static void prune(Path folder, Duration age) {
    if (folder == null || !Files.isDirectory(folder)) {
      return;
    }
    long before = System.currentTimeMillis() - age.toMillis();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.{log,sock.lock}")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        String key =
            name.endsWith(".log")
                ? name.substring(0, name.length() - 4)
                : name.substring(0, name.length() - ".sock.lock".length());
        try {
          if (!Files.exists(folder.resolve(key + ".sock"))
              && Files.getLastModifiedTime(file).toMillis() < before) {
            Files.deleteIfExists(file);
          }
        } catch (IOException e) {
          // another client pruning at the same time, or not ours to delete: leave it
        }
      }
    } catch (IOException e) {
      // the folder went away or cannot be listed: nothing to prune
    }
  }

  static Path log(Path socket) {
    String name = socket.getFileName().toString();
    return socket.resolveSibling(name.replaceFirst("\\.sock$", "") + ".log");
  }

  /** Lists or stops the daemons whose sockets are in {@code folder}. */
  private static int admin(String what, Path folder, PrintStream stdout, PrintStream stderr) {
    int found = 0;
    if (Files.isDirectory(folder)) {
      try (DirectoryStream<Path> sockets = Files.newDirectoryStream(folder, "*.sock")) {
        for (Path socket : sockets) {
          SocketChannel channel = connect(socket);
          if (channel == null) {
            continue;
          }
          found++;
          DaemonProtocol.Request request =
              new DaemonProtocol.Request(
                  what.equals("stop") ? DaemonProtocol.STOP : DaemonProtocol.STATUS,
                  "",
                  false,
                  List.of());
          relay(channel, socket, request, stdout, stderr);
        }
      } catch (IOException e) {
        stderr.println("forkline: cannot list " + folder + ": " + e.getMessage());
        return 3;
      }
    }
    if (found == 0) {
      stdout.println("no forkline daemon is running");
    }
    return 0;
  }
}
