package dev.forkline.pipelines.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.exec.Attempt;
import dev.forkline.pipelines.exec.RetryableException;
import dev.forkline.pipelines.exec.StageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read stage: which failures are worth another attempt. */
class ImageReadTest {
  @TempDir Path dir;

  private static Exception readFailure(Path path) {
    ImageTask task = new ImageTask(path.getFileName().toString(), path.toString());
    return assertThrows(
        Exception.class,
        () ->
            new ImageCalls.Read(1 << 20, false).call(task, Attempt.single(Duration.ofSeconds(5))));
  }

  @Test
  void aFileThatBecameAFolderFailsOnceWithoutARetry() throws Exception {
    Path folder = Files.createDirectory(dir.resolve("photo.jpg"));
    Exception e = readFailure(folder);
    assertTrue(e instanceof StageException && !(e instanceof RetryableException), e.toString());
    assertEquals("io", ((StageException) e).kind());
    assertTrue(e.getMessage().contains("folder"), e.getMessage());
  }

  @Test
  void aPathThroughAFileFailsOnceWithoutARetry() throws Exception {
    Path file = Files.writeString(dir.resolve("notafolder"), "x");
    Exception e = readFailure(file.resolve("photo.jpg"));
    assertTrue(e instanceof StageException && !(e instanceof RetryableException), e.toString());
  }
}
