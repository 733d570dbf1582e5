package dev.forkline.pipelines.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyGateTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void aKeysFirstCallRunsAloneUntilItEnds() {
    KeyGate gate = new KeyGate(3, 0);
    AtomicInteger admitted = new AtomicInteger();
    for (int i = 0; i < 4; i++) {
      gate.enter("h", admitted::incrementAndGet);
    }
    assertEquals(1, admitted.get(), "only the first call before it ended");
    gate.exit("h");
    assertEquals(4, admitted.get(), "then up to the limit: the three waiting");
    assertEquals(3, gate.active("h"));
  }

  @Test
  void keysDoNotWaitForEachOther() {
    KeyGate gate = new KeyGate(1, SECOND);
    AtomicInteger admitted = new AtomicInteger();
    gate.enter("a", admitted::incrementAndGet);
    gate.enter("a", admitted::incrementAndGet);
    gate.enter("b", admitted::incrementAndGet);
    assertEquals(2, admitted.get(), "b is admitted while a's second call waits");
    assertEquals(0, gate.startDelay("a"));
    assertEquals(0, gate.startDelay("b"), "a's delay does not hold b back");
  }

  @Test
  void theStagesDelaySpacesAKeysStarts() {
    KeyGate gate = new KeyGate(0, SECOND);
    assertEquals(0, gate.startDelay("h"));
    long wait = gate.startDelay("h");
    assertTrue(wait > SECOND / 2 && wait <= SECOND, "waits for the rest of the delay: " + wait);
  }

  @Test
  void spaceRaisesAKeysGapFromItsLastStart() {
    KeyGate gate = new KeyGate(0, 0);
    assertEquals(0, gate.startDelay("h"));
    gate.space("h", 5 * SECOND);
    long wait = gate.startDelay("h");
    assertTrue(wait > 4 * SECOND, "the learned gap applies to the next start: " + wait);
    assertEquals(0, gate.startDelay("other"), "only to that key");
  }

  @Test
  void aSmallerGapNeverLowersTheStagesDelay() {
    KeyGate gate = new KeyGate(0, 2 * SECOND);
    assertEquals(0, gate.startDelay("h"));
    gate.space("h", SECOND / 10);
    assertTrue(gate.startDelay("h") > SECOND, "the stage's delay still holds");
  }

  @Test
  void pauseHoldsAKeysStartsBack() {
    KeyGate gate = new KeyGate(0, 0);
    gate.pause("h", 3 * SECOND);
    long wait = gate.startDelay("h");
    assertTrue(wait > 2 * SECOND, "paused: " + wait);
    assertEquals(0, gate.startDelay("other"));
  }

  @Test
  void anIdleKeyIsForgottenOnlyOnceItsDelayPassed() {
    KeyGate gate = new KeyGate(1, 3 * SECOND);
    gate.enter("h", () -> {});
    assertEquals(0, gate.startDelay("h"));
    gate.exit("h");
    gate.enter("h", () -> {});
    assertTrue(gate.startDelay("h") > 2 * SECOND, "the delay outlives the key's idle moment");
    gate.exit("h");
  }

  @Test
  void theDelayAlsoRunsFromACallsEnd() throws Exception {
    KeyGate gate = new KeyGate(0, SECOND);
    gate.enter("h", () -> {});
    assertEquals(0, gate.startDelay("h"));
    Thread.sleep(300); // the call: robots.txt, then the page
    gate.exit("h");
    long wait = gate.startDelay("h");
    assertTrue(wait > SECOND * 9 / 10, "a whole delay from the call's end: " + wait);
  }

  @Test
  void aCallThatSentNothingIsChargedNoDelay() {
    KeyGate gate = new KeyGate(1, 5 * SECOND);
    gate.enter("h", () -> {});
    long[] start = new long[1];
    assertEquals(0, gate.startDelay("h", start));
    gate.exit("h", start[0], false, true);
    gate.enter("h", () -> {});
    assertEquals(0, gate.startDelay("h"), "a denied URL does not hold the next one back");
  }

  @Test
  void aRetryWaitsAtTheHeadOfItsKeysQueue() {
    KeyGate gate = new KeyGate(1, 0);
    java.util.List<String> order = new java.util.ArrayList<>();
    gate.enter("h", () -> order.add("first"));
    gate.enter("h", () -> order.add("queued"));
    gate.enter("h", () -> order.add("retry"), true);
    gate.exit("h");
    assertEquals(java.util.List.of("first", "retry"), order);
  }

  @Test
  void aKeyStaysOneAtATimeUntilACallEndsWithoutARetry() {
    KeyGate gate = new KeyGate(3, 0);
    AtomicInteger admitted = new AtomicInteger();
    for (int i = 0; i < 4; i++) {
      gate.enter("h", admitted::incrementAndGet);
    }
    gate.exit("h", 0, true, false); // robots.txt timed out: nothing learned
    assertEquals(2, admitted.get(), "still one at a time");
    gate.exit("h", 0, true, true);
    assertEquals(4, admitted.get(), "then up to the limit");
  }
}
