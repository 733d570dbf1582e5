package dev.forkline.workers.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A pool's parent killed with SIGKILL leaves no worker behind. */
class OrphanTest {

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void workersDieWithTheirKilledParent() throws Exception {
    Process parent =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                OrphanMain.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<Long> pids;
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertTrue(line != null && line.startsWith("PIDS "), "parent said: " + line);
      pids = Arrays.stream(line.substring(5).split(" ")).map(Long::parseLong).toList();
      assertEquals(2, pids.size());
      assertTrue(pids.stream().allMatch(OrphanTest::alive), "workers run before the kill");
    } finally {
      parent.destroyForcibly(); // SIGKILL: no shutdown hook runs
    }
    assertTrue(parent.waitFor(10, TimeUnit.SECONDS));
    assertEquals(137, parent.exitValue(), "killed by SIGKILL");

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (pids.stream().anyMatch(OrphanTest::alive) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    for (long pid : pids) {
      assertTrue(!alive(pid), "worker " + pid + " outlived its killed parent");
    }
  }

  /** Alive and not a zombie waiting for a reaper. */
  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !zombie(pid);
  }

  private static boolean zombie(long pid) {
    try {
      String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (java.io.IOException e) {
      return false; // gone, or no /proc
    }
  }
}
