package dev.forkline.workers.pool;

import dev.forkline.workers.kernel.Kernel;
import dev.forkline.workers.kernel.Kernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A worker JVM as an operating-system process: the pool's private folder its socket and logs live
 * in, its command line, starting it with its output to its log, and reaping it.
 */
final class WorkerProcess {

  /** A started process, or why it could not be started; and when the start began. */
  record Launch(Process process, String error, long spawnNanos) {}

  private WorkerProcess() {}

  /** A new folder only this user can enter, short enough to hold a Unix socket. */
  static Path privateFolder() throws IOException {
    Path folder;
    try {
      folder =
          Files.createTempDirectory(
              "forkline-pool-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      folder = Files.createTempDirectory("forkline-pool-");
    }
    // A Unix socket path has a limit of about 100 bytes; long temp folders fall back to /tmp.
    if (folder.resolve("pool.sock").toString().length() > 100
        && Files.isDirectory(Path.of("/tmp"))) {
      Files.delete(folder);
      folder =
          Files.createTempDirectory(
              Path.of("/tmp"),
              "forkline-pool-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    return folder;
  }

  /** The kernel's default worker flags, if this JVM knows the kernel (the worker checks it). */
  private static List<String> defaultFlags(String kernel) {
    try {
      Kernel k = Kernels.get(kernel);
      return WorkerPools.keepsIdlePools() ? k.keptWorkerJvmFlags() : k.workerJvmFlags();
    } catch (IllegalArgumentException unknownHere) {
      return List.of();
    }
  }

  /** The worker's command line: fixed JVM flags, the kernels' defaults, then the spec's own. */
  static List<String> command(PoolSpec spec, Path socket, int workerId) {
    List<String> command = new ArrayList<>();
    command.add(spec.javaCommand());
    command.add(PoolSpec.heapFlag(spec.heapBytes()));
    command.add("-XX:+ExitOnOutOfMemoryError");
    if (spec.jvmFlags().stream().noneMatch(f -> f.startsWith("-XX:+Use") && f.endsWith("GC"))) {
      command.add("-XX:+UseSerialGC"); // small and quick to start, unless a GC is chosen
    }
    command.add("-Xshare:auto");
    command.add("-Xlog:disable");
    command.add("-Xlog:all=warning:stderr");
    command.add("-XX:-UsePerfData");
    for (String kernel : spec.kernels()) {
      command.addAll(defaultFlags(kernel));
    }
    command.addAll(spec.jvmFlags());
    command.add("-cp");
    command.add(spec.classpath());
    command.add(WorkerMain.class.getName());
    command.add(socket.toString());
    command.add(Integer.toString(workerId));
    command.add(String.join(",", spec.kernels()));
    return command;
  }

  /** Starts a worker's process, its stdout and stderr to its log and its stdin closed. */
  static Launch launch(PoolSpec spec, Path socket, Worker worker) {
    ProcessBuilder builder =
        new ProcessBuilder(command(spec, socket, worker.id))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(worker.log.toFile()));
    Process process = null;
    String error = null;
    long spawnNanos = System.nanoTime();
    try {
      process = builder.start();
      process.getOutputStream().close();
    } catch (IOException e) {
      error = "could not run " + spec.javaCommand() + ": " + e.getMessage();
    }
    return new Launch(process, error, spawnNanos);
  }

  /** Waits for a process up to {@code graceNanos}, then kills it and waits for it to be gone. */
  static void reap(Process process, long graceNanos) {
    boolean interrupted = false;
    try {
      try {
        if (!process.waitFor(graceNanos, TimeUnit.NANOSECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        interrupted = true;
        process.destroyForcibly();
      }
    } finally {
      Reaper.remove(process);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
