package dev.forkline.pipelines.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnitsTest {
  @Test
  void durationsInEveryUnit() {
    assertEquals(Duration.ofMillis(500), Units.parseDuration("500ms"));
    assertEquals(Duration.ofSeconds(30), Units.parseDuration("30s"));
    assertEquals(Duration.ofSeconds(90), Units.parseDuration("1.5m"));
    assertEquals(Duration.ofHours(2), Units.parseDuration("2H"));
    assertEquals(Duration.ofDays(1), Units.parseDuration("1d"));
  }

  @Test
  void durationWithoutUnitIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Units.parseDuration("30"));
    assertThrows(IllegalArgumentException.class, () -> Units.parseDuration("-1s"));
  }

  @Test
  void sizesAreBinary() {
    assertEquals(65536, Units.parseSize("65536"));
    assertEquals(64 * 1024, Units.parseSize("64k"));
    assertEquals(512L << 20, Units.parseSize("512m"));
    assertEquals(512L << 20, Units.parseSize("512MB"));
    assertEquals(3L << 29, Units.parseSize("1.5GiB"));
  }

  @Test
  void sizeWithUnknownUnitIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Units.parseSize("12 parsecs"));
  }

  @Test
  void formatsRoundTrip() {
    assertEquals("512m", Units.formatSize(Units.parseSize("512m")));
    assertEquals("1.5s", Units.formatDuration(Duration.ofMillis(1500)));
    assertEquals("250ms", Units.formatDuration(Duration.ofMillis(250)));
  }

  @Test
  void suggestionsOnlyForCloseWords() {
    assertEquals("threads", Suggest.closest("treads", List.of("executor", "threads")));
    assertEquals("timeout", Suggest.closest("timeotu", List.of("timeout", "threads")));
    assertNull(Suggest.closest("banana", List.of("executor", "threads")));
  }
}
