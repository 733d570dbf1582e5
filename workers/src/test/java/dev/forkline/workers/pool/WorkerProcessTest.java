package dev.forkline.workers.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A worker's command line, and the folder its socket lives in, without starting a JVM. */
class WorkerProcessTest {

  private static final Path SOCKET = Path.of("/tmp/forkline-pool-x/pool.sock");

  @Test
  void theSpecsFlagsComeAfterTheKernelsDefaultsSoTheyWin() {
    PoolSpec spec =
        PoolSpec.builder("test.jvm-flag", "test.echo")
            .withHeap("64m")
            .withJvmFlags("-Dforkline.test.flag=from-pool")
            .withClasspath("/some/classes")
            .build();
    List<String> command = WorkerProcess.command(spec, SOCKET, 7);

    assertEquals(spec.javaCommand(), command.get(0));
    assertEquals("-Xmx64m", command.get(1));
    assertTrue(command.contains("-XX:+ExitOnOutOfMemoryError"));
    assertTrue(command.contains("-XX:+UseSerialGC"), "no GC chosen: serial");
    int kernels = command.indexOf("-Dforkline.test.flag=from-kernel");
    int pool = command.indexOf("-Dforkline.test.flag=from-pool");
    assertTrue(kernels > 0 && pool > kernels, command.toString());
    int cp = command.indexOf("-cp");
    assertEquals(
        List.of(
            "/some/classes",
            WorkerMain.class.getName(),
            SOCKET.toString(),
            "7",
            "test.jvm-flag,test.echo"),
        command.subList(cp + 1, command.size()));
  }

  @Test
  void aChosenGcReplacesTheSerialDefault() {
    PoolSpec spec = PoolSpec.builder("test.echo").withJvmFlags("-XX:+UseG1GC").build();
    List<String> command = WorkerProcess.command(spec, SOCKET, 0);
    assertFalse(command.contains("-XX:+UseSerialGC"), command.toString());
    assertTrue(command.contains("-XX:+UseG1GC"));
  }

  @Test
  void thePrivateFolderIsOnlyTheUsersAndHoldsASocketPath() throws Exception {
    Path folder = WorkerProcess.privateFolder();
    try {
      assertEquals(
          "rwx------",
          java.nio.file.attribute.PosixFilePermissions.toString(
              Files.getPosixFilePermissions(folder)));
      assertTrue(folder.resolve("pool.sock").toString().length() <= 100);
    } finally {
      Reaper.deleteTree(folder);
    }
  }
}
