package dev.forkline.workers.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Every live worker process and pool folder of this JVM, so that a shutdown hook can kill and
 * remove them when the JVM exits without closing its pools.
 */
final class Reaper {

  private static final Set<Process> PROCESSES = ConcurrentHashMap.newKeySet();
  private static final Set<Path> FOLDERS = ConcurrentHashMap.newKeySet();

  static {
    Thread hook = new Thread(Reaper::reapAll, "forkline-pool-reaper");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  private Reaper() {}

  static void add(Process process) {
    PROCESSES.add(process);
  }

  static void remove(Process process) {
    PROCESSES.remove(process);
  }

  static void addFolder(Path folder) {
    FOLDERS.add(folder);
  }

  static void removeFolder(Path folder) {
    FOLDERS.remove(folder);
    deleteTree(folder);
  }

  private static void reapAll() {
    for (Process process : PROCESSES) {
      process.destroyForcibly();
    }
    for (Path folder : FOLDERS) {
      deleteTree(folder);
    }
  }

  static void deleteTree(Path folder) {
    try (Stream<Path> paths = Files.walk(folder)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.deleteIfExists(path);
                } catch (IOException ignored) {
                  // best effort
                }
              });
    } catch (IOException ignored) {
      // already gone
    }
  }
}
