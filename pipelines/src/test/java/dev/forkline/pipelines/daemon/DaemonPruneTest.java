package dev.forkline.pipelines.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A daemon's start deletes the week-old logs and locks of daemons that are gone, nothing else. */
class DaemonPruneTest {
  @TempDir Path dir;

  private Path file(String name, Duration age) throws IOException {
    Path f = Files.writeString(dir.resolve(name), "x");
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(age)));
    return f;
  }

  @Test
  void onlyOldFilesOfDaemonsWithoutASocketGo() throws IOException {
    Duration old = Duration.ofDays(8);
    file("gone.log", old);
    file("gone.sock.lock", old);
    file("recent.log", Duration.ofDays(1));
    file("recent.sock.lock", Duration.ofDays(1));
    file("alive.log", old); // its daemon's socket is still there
    file("alive.sock.lock", old);
    file("alive.sock", Duration.ZERO);
    file("other.txt", old);

    DaemonClient.prune(dir, DaemonClient.STALE_AFTER);

    Set<String> left;
    try (Stream<Path> s = Files.list(dir)) {
      left = s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
    assertEquals(
        Set.of(
            "recent.log",
            "recent.sock.lock",
            "alive.log",
            "alive.sock.lock",
            "alive.sock",
            "other.txt"),
        left);
  }
}
