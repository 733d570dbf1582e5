package dev.forkline.pipelines.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManyHostsBenchTest {
  @TempDir Path dir;

  @Test
  void theAccessLogGivesTheFastAndSlowHostsLastAnswersAndTheLeastGap() throws Exception {
    Path log = dir.resolve("access.log");
    String earlier = "90.000000 127.0.0.1 /p/00000.html 200 1\n";
    Files.writeString(log, earlier);
    Files.writeString(
        log,
        "100.000000 127.0.0.1 /robots.txt 404 1\n"
            + "100.100000 127.0.0.1 /p/00000.html 200 10\n"
            + "100.600000 127.0.0.1 /p/00001.html 200 20\n"
            + "100.200000 127.0.0.2 /p/00000.html 200 10\n"
            + "100.500000 127.0.0.2 /p/00001.html 200 10\n"
            + "101.000000 127.0.0.9 /p/00000.html 200 10\n"
            + "106.000000 127.0.0.9 /p/00001.html 200 50\n",
        java.nio.file.StandardOpenOption.APPEND);
    var served = ManyHostsBench.served(log, earlier.length(), 100.0, "127.0.0.9");
    assertEquals(0.62, served.fastDone(), 1e-6);
    assertEquals(6.05, served.slowDone(), 1e-6);
    assertEquals(0.3, served.minGap(), 1e-6); // 127.0.0.2's pages; robots.txt is not a page
  }

  @Test
  void theBoundIsPagesLessOneTimesTheDelay() {
    ManyHostsBench.Sizes s =
        ManyHostsBench.Sizes.quick().with(100, 20, Duration.ofMillis(500), Duration.ofSeconds(5));
    assertEquals(9.5, s.bound(), 1e-9);
    assertEquals(10.0, s.slowBound(), 1e-9);
    assertEquals(101, s.slowHost());
  }

  @Test
  void sizesOutOfRangeAreRefusedWithWhatIsAccepted() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ManyHostsBench.Sizes.quick().with(254, null, null, null));
    assertTrue(e.getMessage().contains("1 to 253"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> ManyHostsBench.Sizes.quick().with(null, 1, null, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> ManyHostsBench.Sizes.quick().with(null, null, Duration.ZERO, null));
  }
}
