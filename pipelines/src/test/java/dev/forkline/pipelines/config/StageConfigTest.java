package dev.forkline.pipelines.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.exec.CallSettings;
import dev.forkline.pipelines.exec.Executor;
import dev.forkline.pipelines.exec.StageCall;
import dev.forkline.pipelines.exec.TestItem;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link StageConfig}: a stage's config becomes its executor's settings. */
class StageConfigTest {
  private static final StageCall<TestItem> IDENTITY = (item, attempt) -> item;

  private static StageConfig config(Executor executor) {
    return new StageConfig("s", executor, 6, 3, 64L << 20, Duration.ofSeconds(7), 2, 0);
  }

  @Test
  void aThreadsStageGetsItsThreadsTimeoutAndRetries() {
    CallSettings settings = config(Executor.THREADS).callSettings();
    assertEquals(6, settings.threads());
    assertFalse(settings.inline());
    assertEquals(Duration.ofSeconds(7), settings.timeout());
    assertEquals(2, settings.retries());
  }

  @Test
  void anInlineStageRunsOneAtATime() {
    CallSettings settings = config(Executor.INLINE).callSettings();
    assertTrue(settings.inline());
    assertEquals(1, settings.concurrency());
  }

  @Test
  void aStageOnProcessesNeedsAKernel() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> config(Executor.PROCESSES).running(IDENTITY));
    assertTrue(e.getMessage().contains("has no kernel"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> config(Executor.PROCESSES).callSettings());
  }

  @Test
  void aStageRunsUnderItsConfigsName() {
    assertEquals("s", config(Executor.THREADS).running(IDENTITY).name());
  }
}
