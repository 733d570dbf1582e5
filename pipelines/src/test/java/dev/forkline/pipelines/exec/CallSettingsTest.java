package dev.forkline.pipelines.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CallSettingsTest {
  @Test
  void aWitherChangesACopyAndLeavesTheOriginal() {
    CallSettings base = CallSettings.defaults();
    CallSettings changed = base.withThreads(64).withRetries(2);
    assertEquals(16, base.threads());
    assertEquals(0, base.retries());
    assertEquals(64, changed.threads());
    assertEquals(2, changed.retries());
    assertEquals(base.timeout(), changed.timeout());
  }

  @Test
  void everyCopyIsValidatedWithAMessageThatNamesTheSetting() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CallSettings.defaults().withThreads(0));
    assertEquals("threads must be at least 1, got 0", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CallSettings.defaults().withTimeout(Duration.ZERO));
    assertTrue(e.getMessage().startsWith("timeout must be a positive duration"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CallSettings.defaults().withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("below its first delay"), e.getMessage());
  }

  @Test
  void theDerivedDeadlinesCountEveryAttemptAndBackOff() {
    CallSettings s =
        CallSettings.defaults()
            .withTimeout(Duration.ofSeconds(10))
            .withRetries(2)
            .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    assertEquals(Duration.ofSeconds(32), s.effectiveDeadline());
    assertEquals(Duration.ofMinutes(10), s.effectiveBundleTimeout(), "at least ten minutes");
    assertEquals(Duration.ofSeconds(5), s.withDeadline(Duration.ofSeconds(5)).effectiveDeadline());
  }

  @Test
  void settingsSurviveSerializationEqual() throws Exception {
    CallSettings s = CallSettings.defaults().withPerKeyLimit(2, Duration.ofMillis(500));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(s);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(s, in.readObject());
    }
  }
}
