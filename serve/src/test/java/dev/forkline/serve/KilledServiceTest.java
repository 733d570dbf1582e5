package dev.forkline.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service killed with {@code kill -9} leaves its job's JVM running and the job marked running:
 * the next start kills that process (found by its pid and its config's path) and marks the job
 * interrupted; a process that merely reuses the pid is left alone.
 */
class KilledServiceTest {
  @TempDir Path dir;

  private static void markRunning(Path data, long id, long pid) throws Exception {
    try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve("jobs.db"));
        var s = db.prepareStatement("UPDATE jobs SET state = 'running', pid = ? WHERE id = ?")) {
      s.setLong(1, pid);
      s.setLong(2, id);
      assertEquals(1, s.executeUpdate());
    }
  }

  @Test
  void theNextStartEndsWhatTheKilledServiceLeftAndMarksItsJobInterrupted() throws Exception {
    Path data = dir.resolve("data");
    long left;
    long unrelated;
    Process job;
    Process other;
    try (JobStore store = new JobStore(data)) {
      left =
          store
              .insert(
                  "image-filter", "x: 1", List.of(), dir.toString(), dir.resolve("o").toString())
              .id();
      unrelated =
          store
              .insert(
                  "image-filter", "x: 1", List.of(), dir.toString(), dir.resolve("p").toString())
              .id();
    }
    Path config = JobRunner.configFile(data, left);
    Files.createDirectories(config.getParent());
    // what a job's JVM looks like to the service: a process whose command line names its config
    job = new ProcessBuilder("bash", "-c", "sleep 300; true", config.toString()).start();
    other = new ProcessBuilder("sleep", "300").start();
    try {
      markRunning(data, left, job.pid());
      markRunning(data, unrelated, other.pid());
      try (ServeFixture serve = new ServeFixture(data, dir, 1, null)) {
        assertTrue(job.waitFor(10, TimeUnit.SECONDS), "the job's process is ended");
        JsonNode interrupted = serve.job(left);
        assertEquals("interrupted", interrupted.path("state").asText(), interrupted.toString());
        assertTrue(interrupted.path("message").asText().contains("resume"));
        assertEquals("interrupted", serve.job(unrelated).path("state").asText());
        assertTrue(other.isAlive(), "a process that is not the job's is left alone");
      }
    } finally {
      job.destroyForcibly();
      other.destroyForcibly();
    }
    assertFalse(job.isAlive());
  }
}
