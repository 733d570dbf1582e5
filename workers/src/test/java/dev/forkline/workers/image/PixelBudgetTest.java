package dev.forkline.workers.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pixels in work in a JVM stay within its budget; one image larger than it runs alone. */
class PixelBudgetTest {
  @Test
  void aSecondImageWaitsUntilTheFirstGivesItsPixelsBack() throws Exception {
    PixelBudget budget = new PixelBudget(100);
    long first = budget.acquire(60);
    CountDownLatch in = new CountDownLatch(1);
    Thread second =
        new Thread(
            () -> {
              try {
                long taken = budget.acquire(60);
                in.countDown();
                budget.release(taken);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    second.start();
    assertFalse(in.await(200, TimeUnit.MILLISECONDS), "60 + 60 pixels do not fit in 100");
    budget.release(first);
    assertTrue(in.await(5, TimeUnit.SECONDS), "the second got in once the first was done");
    second.join();
    assertEquals(0, budget.used());
  }

  @Test
  void anImageLargerThanTheBudgetRunsAlone() throws Exception {
    PixelBudget budget = new PixelBudget(100);
    long taken = budget.acquire(1_000);
    assertEquals(100, taken, "it takes the whole budget, not more");
    budget.release(taken);
    assertEquals(0, budget.used());
  }

  @Test
  void smallImagesShareTheBudget() throws Exception {
    PixelBudget budget = new PixelBudget(100);
    long a = budget.acquire(30);
    long b = budget.acquire(30);
    long c = budget.acquire(30);
    assertEquals(90, budget.used());
    budget.release(a);
    budget.release(b);
    budget.release(c);
  }
}
