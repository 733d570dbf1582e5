package dev.forkline.workers.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmallPartsTest {

  @Test
  void exitCodesAndSignalsInWords() {
    assertEquals("exit 0", ExitStatus.describe(0));
    assertEquals("exit 3", ExitStatus.describe(3));
    assertEquals("signal 9 (SIGKILL)", ExitStatus.describe(137));
    assertEquals("signal 11 (SIGSEGV)", ExitStatus.describe(139));
    assertEquals("signal 6 (SIGABRT)", ExitStatus.describe(134));
    assertEquals("exit 255", ExitStatus.describe(255));
  }

  @Test
  void logTailKeepsTheLastTwentyLines(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("w.log");
    Files.writeString(
        log,
        IntStream.range(0, 100).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining()));
    String tail = LogTail.read(log);
    assertEquals(20, tail.lines().count());
    assertEquals("line 80", tail.lines().findFirst().orElseThrow());
    assertEquals("line 99", tail.lines().reduce((a, b) -> b).orElseThrow());
  }

  @Test
  void logTailKeepsAtMostFourKilobytesOfWholeLines(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("w.log");
    Files.writeString(log, ("x".repeat(999) + "\n").repeat(10));
    String tail = LogTail.read(log);
    assertEquals(4, tail.lines().count()); // the 5th from the end would be cut in the middle
    assertEquals("", LogTail.read(dir.resolve("missing.log")));
  }
}
