package dev.forkline.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command that fails with an error (out of memory) while threads of its own still run: the
 * process exits with 3 and says so, instead of living on with no one to end it.
 */
class ErrorExitTest {
  @Test
  void anErrorEndsTheProcessWithExitCode3(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("output.txt");
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    ForklineCli.class.getName(),
                    "test-error"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    p.waitFor(10, TimeUnit.SECONDS);
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(ended, "the process ended by itself; it printed: " + output);
    assertEquals(ExitCodes.ABORTED, p.exitValue(), output);
    assertTrue(output.contains("forkline: "), output);
  }
}
