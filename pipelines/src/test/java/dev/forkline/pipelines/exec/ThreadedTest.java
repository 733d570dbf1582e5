package dev.forkline.pipelines.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ThreadedTest {
  /** Measurements taken inside the calls (the Direct runner runs them in this JVM). */
  static final AtomicInteger RUNNING = new AtomicInteger();

  static final AtomicInteger MAX_RUNNING = new AtomicInteger();
  static final AtomicInteger CALLS = new AtomicInteger();
  static final AtomicBoolean INTERRUPTED = new AtomicBoolean();
  static final Map<String, AtomicInteger> RUNNING_BY_KEY = new ConcurrentHashMap<>();
  static final AtomicInteger MAX_BY_KEY = new AtomicInteger();
  static final List<Long> STARTS = new CopyOnWriteArrayList<>();
  static final List<String> THREADS = new CopyOnWriteArrayList<>();

  @BeforeEach
  void reset() {
    RUNNING.set(0);
    MAX_RUNNING.set(0);
    CALLS.set(0);
    INTERRUPTED.set(false);
    RUNNING_BY_KEY.clear();
    MAX_BY_KEY.set(0);
    STARTS.clear();
    THREADS.clear();
  }

  private static Pipeline pipeline() {
    DirectOptions options = PipelineOptionsFactory.as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    options.setTargetParallelism(4);
    return Pipeline.create(options);
  }

  private static PCollection<Integer> numbers(Pipeline p, int n) {
    return p.apply(
        "Numbers",
        Create.of(IntStream.range(0, n).boxed().collect(Collectors.toList()))
            .withCoder(VarIntCoder.of()));
  }

  private static <I, O> WithFailures.Result<PCollection<O>, CallFailure<I>> run(
      PCollection<I> input, Threaded<I, O> threaded) {
    return input.apply("Threaded", threaded);
  }

  private static PCollection<String> describe(PCollection<CallFailure<Integer>> failures) {
    return failures.apply(
        "Describe failures",
        MapElements.into(TypeDescriptors.strings())
            .via(f -> f.element() + ":" + f.kind() + ":" + f.attempts()));
  }

  private static void track(Runnable work) {
    int now = RUNNING.incrementAndGet();
    MAX_RUNNING.accumulateAndGet(now, Math::max);
    try {
      work.run();
    } finally {
      RUNNING.decrementAndGet();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      INTERRUPTED.set(true);
      Thread.currentThread().interrupt();
      throw new RuntimeException("interrupted");
    }
  }

  @Test
  void everyElementGivesExactlyOneOutput() {
    Pipeline p = pipeline();
    var result =
        run(
            numbers(p, 1000),
            Threaded.of((Integer x, Attempt a) -> x * 2)
                .withThreads(16)
                .withOutputCoder(VarIntCoder.of()));
    PAssert.that(result.output())
        .containsInAnyOrder(IntStream.range(0, 1000).map(x -> x * 2).boxed().toList());
    PAssert.that(result.failures()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void inFlightNeverExceedsTheBound() {
    Pipeline p = pipeline();
    var result =
        run(
            numbers(p, 300),
            Threaded.of(
                    (Integer x, Attempt a) -> {
                      track(() -> sleep(5));
                      return x;
                    })
                .withThreads(8)
                .withOutputCoder(VarIntCoder.of()));
    PAssert.that(result.output().apply(Count.globally())).containsInAnyOrder(300L);
    p.run().waitUntilFinish();
    assertTrue(MAX_RUNNING.get() <= 8, "at most 8 calls at once, saw " + MAX_RUNNING.get());
    assertTrue(MAX_RUNNING.get() >= 4, "calls ran concurrently, saw " + MAX_RUNNING.get());
  }

  @Test
  void aSlowCallTimesOutAndIsInterruptedWhileTheOthersFinish() {
    Pipeline p = pipeline();
    var result =
        run(
            numbers(p, 20),
            Threaded.of(
                    (Integer x, Attempt a) -> {
                      sleep(x == 7 ? 30_000 : 1);
                      return x;
                    })
                .withThreads(4)
                .withTimeout(Duration.ofMillis(300))
                .withOutputCoder(VarIntCoder.of()));
    PAssert.that(result.output())
        .containsInAnyOrder(IntStream.range(0, 20).filter(x -> x != 7).boxed().toList());
    PAssert.that(describe(result.failures())).containsInAnyOrder("7:timeout:1");
    long start = System.nanoTime();
    p.run().waitUntilFinish();
    assertTrue(INTERRUPTED.get(), "the timed-out call was interrupted");
    assertTrue(System.nanoTime() - start < 20_000_000_000L, "did not wait for the slow call");
  }

  @Test
  void aCallIgnoringItsInterruptStillFailsAtTheDeadline() {
    Pipeline p = pipeline();
    var result =
        run(
            numbers(p, 10),
            Threaded.of(
                    (Integer x, Attempt a) -> {
                      if (x == 3) {
                        long end = System.nanoTime() + 4_000_000_000L;
                        while (System.nanoTime() < end) {
                          Thread.onSpinWait(); // ignores interrupts
                        }
                      }
                      return x;
                    })
                .withThreads(2)
                .withTimeout(Duration.ofMillis(200))
                .withOutputCoder(VarIntCoder.of()));
    PAssert.that(result.output())
        .containsInAnyOrder(IntStream.range(0, 10).filter(x -> x != 3).boxed().toList());
    PAssert.that(describe(result.failures())).containsInAnyOrder("3:timeout:1");
    p.run().waitUntilFinish();
  }

  @Test
  void aRetryableFailureIsRetriedThenSucceeds() {
    Pipeline p = pipeline();
    var result =
        run(
            numbers(p, 5),
            Threaded.of(
                    (Integer x, Attempt a) -> {
                      if (x == 2 && a.number() < 3) {
                        throw new RetryableException("http-5xx", "503 on attempt " + a.number());
                      }
                      return x * 10 + a.number();
                    })
                .withThreads(4)
                .withRetries(3)
                .withBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .withOutputCoder(VarIntCoder.of()));
    PAssert.that(result.output()).containsInAnyOrder(1, 11, 23, 31, 41);
    PAssert.that(result.failures()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void retriesStopAtTheAttemptBudget() {
    Pipeline p = pipeline();
    var result =
        run(
            numbers(p, 3),
            Threaded.of(
                    (Integer x, Attempt a) -> {
                      CALLS.incrementAndGet();
                      if (x == 1) {
                        throw new RetryableException("http-5xx", "always 503");
                      }
                      return x;
                    })
                .withThreads(4)
                .withRetries(2)
                .withBackoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .withOutputCoder(VarIntCoder.of()));
    PAssert.that(result.output()).containsInAnyOrder(0, 2);
    PAssert.that(describe(result.failures())).containsInAnyOrder("1:http-5xx:3");
    p.run().waitUntilFinish();
    assertEquals(5, CALLS.get(), "2 calls ok + 3 attempts of the failing one");
  }

  @Test
  void aNonRetryableFailureIsNotRetried() {
    Pipeline p = pipeline();
    var result =
        run(
            numbers(p, 3),
            Threaded.of(
                    (Integer x, Attempt a) -> {
                      CALLS.incrementAndGet();
                      if (x == 1) {
                        throw new StageException("http-4xx", "404");
                      }
                      return x;
                    })
                .withRetries(5)
                .withOutputCoder(VarIntCoder.of()));
    PAssert.that(describe(result.failures())).containsInAnyOrder("1:http-4xx:1");
    p.run().waitUntilFinish();
    assertEquals(3, CALLS.get());
  }

  @Test
  void aRequestedRetryDelayIsHonoured() {
    Pipeline p = pipeline();
    var result =
        run(
            numbers(p, 1),
            Threaded.of(
                    (Integer x, Attempt a) -> {
                      STARTS.add(System.nanoTime());
                      if (a.number() == 1) {
                        throw new RetryableException(
                            "http-429", "slow down", Duration.ofMillis(700));
                      }
                      return x;
                    })
                .withRetries(1)
                .withBackoff(Duration.ofMillis(1), Duration.ofMillis(1))
                .withOutputCoder(VarIntCoder.of()));
    PAssert.that(result.output()).containsInAnyOrder(0);
    p.run().waitUntilFinish();
    assertEquals(2, STARTS.size());
    long gapMillis = (STARTS.get(1) - STARTS.get(0)) / 1_000_000;
    assertTrue(gapMillis >= 700, "waited the 700 ms asked for, waited " + gapMillis);
  }

  @Test
  void aRetryDelayPastTheDeadlineFailsAtOnce() {
    Pipeline p = pipeline();
    var result =
        run(
            numbers(p, 1),
            Threaded.<Integer, Integer>of(
                    (Integer x, Attempt a) -> {
                      CALLS.incrementAndGet();
                      throw new RetryableException("http-503", "busy", Duration.ofHours(1));
                    })
                .withRetries(3)
                .withTimeout(Duration.ofSeconds(1))
                .withOutputCoder(VarIntCoder.of()));
    PAssert.that(describe(result.failures())).containsInAnyOrder("0:http-503:1");
    long start = System.nanoTime();
    p.run().waitUntilFinish();
    assertEquals(1, CALLS.get());
    assertTrue(System.nanoTime() - start < 30_000_000_000L);
  }

  /** 60 calls over 3 hosts, each call {@code sleepMillis} long, counting starts of host0. */
  private void runPerHost(int limit, Duration delay, int sleepMillis) {
    Pipeline p = pipeline();
    PCollection<String> urls =
        p.apply(
            Create.of(
                    IntStream.range(0, 60)
                        .mapToObj(i -> "host" + (i % 3) + "/" + i)
                        .collect(Collectors.toList()))
                .withCoder(StringUtf8Coder.of()));
    var result =
        urls.apply(
            Threaded.of(
                    (String url, Attempt a) -> {
                      String host = url.substring(0, url.indexOf('/'));
                      AtomicInteger running =
                          RUNNING_BY_KEY.computeIfAbsent(host, h -> new AtomicInteger());
                      MAX_BY_KEY.accumulateAndGet(running.incrementAndGet(), Math::max);
                      if (host.equals("host0")) {
                        STARTS.add(System.nanoTime());
                      }
                      try {
                        sleep(sleepMillis);
                      } finally {
                        running.decrementAndGet();
                      }
                      return url;
                    })
                .withThreads(32)
                .withPerKeyLimit(url -> url.substring(0, url.indexOf('/')), limit, delay)
                .withOutputCoder(StringUtf8Coder.of()));
    PAssert.that(result.output().apply(Count.globally())).containsInAnyOrder(60L);
    p.run().waitUntilFinish();
  }

  @Test
  void thePerKeyLimitHoldsUnderConcurrency() {
    runPerHost(2, Duration.ZERO, 20);
    assertTrue(MAX_BY_KEY.get() <= 2, "at most 2 per host, saw " + MAX_BY_KEY.get());
    assertEquals(2, MAX_BY_KEY.get(), "the limit was reached, so the test measured something");
  }

  @Test
  void thePerKeyDelaySpacesStartsOfOneKey() {
    runPerHost(8, Duration.ofMillis(15), 5);
    // The gate spaces admissions 15 ms apart; a call notices its start a scheduling delay later,
    // so single gaps jitter. The span cannot: 20 starts of host0 take at least 19 x 15 ms = 285
    // ms, less the first start's own delay. Without the delay they take about 5 x 20 / 8 ms.
    List<Long> starts = new ArrayList<>(STARTS);
    starts.sort(Long::compare);
    assertEquals(20, starts.size());
    long span = (starts.get(starts.size() - 1) - starts.get(0)) / 1_000_000;
    assertTrue(span >= 240, "20 starts 15 ms apart span at least 285 ms, saw " + span + " ms");
  }

  @Test
  void anExceptionInOneElementLeavesTheOthersIntact() {
    Pipeline p = pipeline();
    var result =
        run(
            numbers(p, 50),
            Threaded.of(
                    (Integer x, Attempt a) -> {
                      if (x % 10 == 0) {
                        throw new IllegalStateException("bad element " + x);
                      }
                      return x;
                    })
                .withThreads(8)
                .withOutputCoder(VarIntCoder.of()));
    PAssert.that(result.output())
        .containsInAnyOrder(IntStream.range(0, 50).filter(x -> x % 10 != 0).boxed().toList());
    PAssert.that(describe(result.failures()))
        .containsInAnyOrder(
            "0:internal:1", "10:internal:1", "20:internal:1", "30:internal:1", "40:internal:1");
    p.run().waitUntilFinish();
  }

  @Test
  void inlineRunsTheSameCallInTheDoFnThread() {
    Pipeline p = pipeline();
    var result =
        run(
            numbers(p, 20),
            Threaded.of(
                    (Integer x, Attempt a) -> {
                      THREADS.add(Thread.currentThread().getName());
                      if (x == 5 && a.number() == 1) {
                        throw new RetryableException("io", "flaky");
                      }
                      return x;
                    })
                .inline()
                .withRetries(1)
                .withBackoff(Duration.ofMillis(1), Duration.ofMillis(2))
                .withOutputCoder(VarIntCoder.of()));
    PAssert.that(result.output()).containsInAnyOrder(IntStream.range(0, 20).boxed().toList());
    p.run().waitUntilFinish();
    assertEquals(21, THREADS.size());
    assertTrue(
        THREADS.stream().noneMatch(t -> t.startsWith("forkline-")),
        "no executor thread ran an inline call: " + THREADS);
  }

  @Test
  void aLargeInputRunsWithABoundedNumberInFlight() {
    Pipeline p = pipeline();
    AtomicInteger unused = new AtomicInteger();
    var result =
        run(
            numbers(p, 100_000),
            Threaded.of(
                    (Integer x, Attempt a) -> {
                      track(() -> {});
                      return x % 7;
                    })
                .withThreads(16)
                .withOutputCoder(VarIntCoder.of()));
    PAssert.that(result.output().apply(Count.globally())).containsInAnyOrder(100_000L);
    PAssert.that(result.failures()).empty();
    p.run().waitUntilFinish();
    assertTrue(MAX_RUNNING.get() <= 16, "saw " + MAX_RUNNING.get() + " at once");
    assertEquals(0, unused.get());
    assertEquals(0, Shared.live(), "the executor was closed after the run");
  }
}
