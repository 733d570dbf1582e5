package dev.forkline.pipelines.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Watches for the process pools' worker JVMs while a run runs: each one's pid and its parent's, for
 * the cluster tests that check where the workers were started. Only workers started after the watch
 * began count.
 */
public final class WorkerWatch {
  private static final String WORKER_MAIN = "dev.forkline.workers.pool.WorkerMain";

  /** Worker pid to its parent's pid. */
  public final Map<Long, Long> workers = new ConcurrentHashMap<>();

  /** Each parent's command line as it was when a worker of it was seen, for messages. */
  public final Map<Long, String> parents = new ConcurrentHashMap<>();

  /** Runs {@code run} while a thread looks for new worker JVMs every 50 ms. */
  public RunResult during(Callable<RunResult> run) throws Exception {
    Set<Long> before = new HashSet<>();
    ProcessHandle.allProcesses().filter(WorkerWatch::isWorker).forEach(p -> before.add(p.pid()));
    Thread watch =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                ProcessHandle.allProcesses()
                    .filter(p -> !before.contains(p.pid()))
                    .filter(WorkerWatch::isWorker)
                    .forEach(
                        p ->
                            p.parent()
                                .ifPresent(
                                    parent -> {
                                      workers.putIfAbsent(p.pid(), parent.pid());
                                      parents.computeIfAbsent(
                                          parent.pid(), pid -> brief(commandLine(pid)));
                                    }));
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "worker-watch");
    watch.setDaemon(true);
    watch.start();
    try {
      return run.call();
    } finally {
      watch.interrupt();
      watch.join();
      // The pools end with the job: give the last workers a moment to exit.
      for (long pid : workers.keySet()) {
        ProcessHandle.of(pid)
            .ifPresent(
                p -> p.onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally(t -> null).join());
      }
    }
  }

  /**
   * Starts a thread that, once a worker is seen whose parent {@code parentIs} takes (its pid and
   * command line), kills that parent as {@code kill -9} does a second later and puts its pid in
   * {@code killed}: the stages are running there then. Interrupt it when the run is over.
   */
  public Thread killParentOnceWorking(
      java.util.function.BiPredicate<Long, String> parentIs,
      java.util.concurrent.atomic.AtomicLong killed) {
    Thread killer =
        new Thread(
            () -> {
              try {
                while (true) {
                  for (long parent : workers.values()) {
                    if (parentIs.test(parent, parents.get(parent))) {
                      Thread.sleep(1000);
                      ProcessHandle.of(parent).ifPresent(ProcessHandle::destroyForcibly);
                      killed.set(parent);
                      return;
                    }
                  }
                  Thread.sleep(50);
                }
              } catch (InterruptedException e) {
                // the run ended first
              }
            },
            "parent-killer");
    killer.setDaemon(true);
    killer.start();
    return killer;
  }

  /** Whether the process is alive now. */
  public static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * A process's command line, read from {@code /proc}: the JDK gives none for one as long as a
   * worker's (its class path is the job's jars). Empty if it cannot be read.
   */
  public static String commandLine(long pid) {
    try {
      return new String(
          Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
          StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      Optional<String> line = ProcessHandle.of(pid).flatMap(p -> p.info().commandLine());
      return line.orElse("");
    }
  }

  /** A command line without its class path, NULs as spaces. */
  private static String brief(String line) {
    return line.replace('\0', ' ').replaceAll("-cp \\S+|-classpath \\S+", "-cp ...");
  }

  private static boolean isWorker(ProcessHandle p) {
    return commandLine(p.pid()).contains(WORKER_MAIN);
  }
}
