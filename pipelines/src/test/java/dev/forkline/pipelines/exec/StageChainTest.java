package dev.forkline.pipelines.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.config.StageConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.junit.jupiter.api.Test;

/**
 * StageChain: each element to the row sink once, as it finishes, a part per bundle (toTable); a
 * stage's queue does not starve the stage before it.
 */
class StageChainTest {
  /** What the sinks of one test saw, by the test's id (the DoFns are copies). */
  private static final Map<String, Queue<String>> ACCEPTED = new ConcurrentHashMap<>();

  private static final Map<String, Queue<String>> PARTS_OUT = new ConcurrentHashMap<>();

  /** Upper-cases the id; ids ending in 7 fail. */
  static final class Upper implements StageCall<TestItem> {
    private static final long serialVersionUID = 1L;

    @Override
    public TestItem call(TestItem input, Attempt attempt) {
      if (input.id.endsWith("7")) {
        throw new IllegalArgumentException("no sevens");
      }
      input.value = input.id.toUpperCase(java.util.Locale.ROOT);
      return input;
    }
  }

  /** Records each row ("id=value" or "id!kind") into the bundle's "part", a list of its own. */
  static final class RecordingSink implements RowSink<TestItem> {
    private static final long serialVersionUID = 1L;
    private final String test;
    private transient List<String> part;

    RecordingSink(String test) {
      this.test = test;
    }

    @Override
    public void accept(TestItem element) {
      String row =
          element.failure == null ? element.id + "=" + element.value : element.id + "!failed";
      ACCEPTED.get(test).add(row);
      if (part == null) {
        part = new ArrayList<>();
      }
      part.add(row);
    }

    @Override
    public String finishBundle() {
      List<String> done = part;
      part = null;
      return done == null ? null : done.size() + " rows";
    }

    @Override
    public void abandonBundle() throws IOException {
      part = null;
    }
  }

  static final class CollectFn extends DoFn<String, Void> {
    private final String test;

    CollectFn(String test) {
      this.test = test;
    }

    @ProcessElement
    public void process(@Element String part) {
      PARTS_OUT.get(test).add(part);
    }
  }

  private static Pipeline pipeline() {
    DirectOptions options = PipelineOptionsFactory.as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    options.setTargetParallelism(3);
    return Pipeline.create(options);
  }

  private static Stage<TestItem> upper() {
    return new StageConfig("upper", Executor.THREADS, 4, 0, 0, Duration.ofSeconds(10), 0, 0)
        .running(new Upper());
  }

  private static PCollection<TestItem> items(Pipeline p, String name, int from, int to) {
    List<TestItem> items = new ArrayList<>();
    for (int i = from; i < to; i++) {
      items.add(new TestItem("i" + i));
    }
    return p.apply(name, Create.of(items).withCoder(SerializableCoder.of(TestItem.class)));
  }

  /** {@code n} items made by one call, so they are one bundle (a Create is split into several). */
  private static PCollection<TestItem> oneBundle(Pipeline p, int n) {
    return p.apply("One", Create.of(n))
        .apply(
            "Items",
            ParDo.of(
                new DoFn<Integer, TestItem>() {
                  @ProcessElement
                  public void process(@Element Integer count, OutputReceiver<TestItem> out) {
                    for (int i = 0; i < count; i++) {
                      out.output(new TestItem("i" + i));
                    }
                  }
                }))
        .setCoder(SerializableCoder.of(TestItem.class));
  }

  @Test
  void everyElementIsOneRowOfOnePart() {
    String test = UUID.randomUUID().toString();
    ACCEPTED.put(test, new ConcurrentLinkedQueue<>());
    PARTS_OUT.put(test, new ConcurrentLinkedQueue<>());
    Pipeline p = pipeline();
    PCollectionList.of(items(p, "A", 0, 100))
        .and(items(p, "B", 100, 200))
        .and(items(p, "C", 200, 300))
        .apply(Flatten.pCollections())
        .apply(StageChain.of(upper()).toTable(new RecordingSink(test)))
        .apply(ParDo.of(new CollectFn(test)));
    p.run().waitUntilFinish();

    List<String> rows = new ArrayList<>(ACCEPTED.get(test));
    assertEquals(300, rows.size());
    assertEquals(300, rows.stream().map(r -> r.split("[=!]")[0]).distinct().count());
    assertTrue(rows.contains("i12=I12"));
    assertTrue(rows.contains("i17!failed"), "a failed element is a row too");
    int inParts = 0;
    for (String part : PARTS_OUT.get(test)) {
      inParts += Integer.parseInt(part.split(" ")[0]);
    }
    assertEquals(300, inParts, "the parts hold every row once");
    assertTrue(PARTS_OUT.get(test).size() >= 3, "a part per bundle: " + PARTS_OUT.get(test));
  }

  /** What the gate test's first stage has finished, by test id. */
  private static final Map<String, java.util.concurrent.atomic.AtomicInteger> PASSED =
      new ConcurrentHashMap<>();

  /** Counts the elements that passed it. */
  static final class Count implements StageCall<TestItem> {
    private static final long serialVersionUID = 1L;
    private final String test;

    Count(String test) {
      this.test = test;
    }

    @Override
    public TestItem call(TestItem input, Attempt attempt) {
      PASSED.get(test).incrementAndGet();
      return input;
    }
  }

  /** Holds its first element until the stage before has passed {@code wanted} more. */
  static final class Gate implements StageCall<TestItem> {
    private static final long serialVersionUID = 1L;
    private final String test;
    private final int wanted;

    Gate(String test, int wanted) {
      this.test = test;
      this.wanted = wanted;
    }

    @Override
    public TestItem call(TestItem input, Attempt attempt) throws InterruptedException {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (PASSED.get(test).get() < wanted && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      input.value = String.valueOf(PASSED.get(test).get());
      return input;
    }
  }

  private static StageConfig threads(String name, int threads) {
    return new StageConfig(name, Executor.THREADS, threads, 0, 0, Duration.ofSeconds(30), 0, 0);
  }

  @Test
  void aWaitingRoomLetsTheFirstStageWorkWhileTheNextIsBusy() {
    // Stage one (2 threads) is instant; stage two (1 thread) holds its first element until stage
    // one has passed 6. With room for 2 waiting elements the chain takes 1 + 2 + 1 + 2; without
    // it stage one stops at 4 and, after 5 s, the first row says so.
    String test = UUID.randomUUID().toString();
    ACCEPTED.put(test, new ConcurrentLinkedQueue<>());
    PARTS_OUT.put(test, new ConcurrentLinkedQueue<>());
    PASSED.put(test, new java.util.concurrent.atomic.AtomicInteger());
    Pipeline p = pipeline();
    oneBundle(p, 20)
        .apply(
            StageChain.of(
                    threads("one", 2).running(new Count(test)),
                    threads("two", 1).running(new Gate(test, 6)))
                .withWaitingRoom(2)
                .toTable(new RecordingSink(test)))
        .apply(ParDo.of(new CollectFn(test)));
    p.run().waitUntilFinish();

    List<String> rows = new ArrayList<>(ACCEPTED.get(test));
    assertEquals(20, rows.size());
    int passedWhileHeld = Integer.parseInt(rows.get(0).split("=")[1]);
    assertTrue(
        passedWhileHeld >= 6, "stage one passed only " + passedWhileHeld + " while held: " + rows);
  }

  /** Elements between stage one and the end of the chain, and the most there were at once. */
  private static final Map<String, int[]> LIVE = new ConcurrentHashMap<>();

  /** Counts an element in; the sink below counts it out. */
  static final class Enter implements StageCall<TestItem> {
    private static final long serialVersionUID = 1L;
    private final String test;

    Enter(String test) {
      this.test = test;
    }

    @Override
    public TestItem call(TestItem input, Attempt attempt) {
      int[] live = LIVE.get(test);
      synchronized (live) {
        live[0]++;
        live[1] = Math.max(live[1], live[0]);
      }
      return input;
    }
  }

  /** Slow enough that elements pile up in front of it. */
  static final class Slow implements StageCall<TestItem> {
    private static final long serialVersionUID = 1L;

    @Override
    public TestItem call(TestItem input, Attempt attempt) throws InterruptedException {
      Thread.sleep(2);
      return input;
    }
  }

  static final class LeavingSink implements RowSink<TestItem> {
    private static final long serialVersionUID = 1L;
    private final String test;

    LeavingSink(String test) {
      this.test = test;
    }

    @Override
    public void accept(TestItem element) {
      int[] live = LIVE.get(test);
      synchronized (live) {
        live[0]--;
      }
    }

    @Override
    public String finishBundle() {
      return null;
    }

    @Override
    public void abandonBundle() {}
  }

  @Test
  void neverHoldsMoreElementsThanItsBound() {
    // Stage one (2 threads) outruns stage two (1 thread, 2 ms an element): 60 elements pile up
    // unless the chain's bound, 1 + 2 + 1 plus a room of 3, holds them back.
    String test = UUID.randomUUID().toString();
    LIVE.put(test, new int[2]);
    Pipeline p = pipeline();
    oneBundle(p, 60)
        .apply(
            StageChain.of(
                    threads("one", 2).running(new Enter(test)),
                    threads("two", 1).running(new Slow()))
                .withWaitingRoom(3)
                .toTable(new LeavingSink(test)));
    p.run().waitUntilFinish();
    int[] live = LIVE.get(test);
    assertEquals(0, live[0], "every element left");
    // The bound (1 + 2 + 1 + 3 = 7) counts elements until they finish; the sink sees them when
    // the DoFn's thread hands them on, which it does as soon as it next takes a permit: allow the
    // one or two that finish in between.
    assertTrue(live[1] <= 7 + 2, "at most the bound in flight, not " + live[1]);
    assertTrue(live[1] >= 5, "the room was used: " + live[1]);
  }

  /** Per test: each call's key and start time. */
  private static final Map<String, Queue<long[]>> STARTS = new ConcurrentHashMap<>();

  /** The key of an item: items i0, i1, i2 are key 0, i3 to i5 key 1, ...: a list grouped by key. */
  static final class GroupOfThree
      implements org.apache.beam.sdk.transforms.SerializableFunction<TestItem, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String apply(TestItem item) {
      return "k" + Integer.parseInt(item.id.substring(1)) / 3;
    }
  }

  /** Records when it started, for which key. */
  static final class RecordStart implements StageCall<TestItem> {
    private static final long serialVersionUID = 1L;
    private final String test;

    RecordStart(String test) {
      this.test = test;
    }

    @Override
    public TestItem call(TestItem input, Attempt attempt) {
      long key = Long.parseLong(new GroupOfThree().apply(input).substring(1));
      STARTS.get(test).add(new long[] {key, System.nanoTime()});
      return input;
    }
  }

  @Test
  void elementsWaitingForTheirKeysDelayHoldNoPermit() {
    // 20 keys of 3 elements, grouped, one call per key at a time and 1 s between a key's starts;
    // the chain's bound is 1 + 2 + 1 = 4. Waiting elements holding permits kept the chain on the
    // first keys: key 2 started only after key 0's second call. Now every key starts at once.
    String test = UUID.randomUUID().toString();
    STARTS.put(test, new ConcurrentLinkedQueue<>());
    Pipeline p = pipeline();
    oneBundle(p, 60)
        .apply(
            StageChain.of(
                    threads("fetch", 2)
                        .running(new RecordStart(test))
                        .withPerKeyLimit(new GroupOfThree(), 1, Duration.ofSeconds(1)),
                    threads("two", 1).running(new Slow()))
                .toTable(new LeavingSink(test)));
    LIVE.put(test, new int[2]);
    p.run().waitUntilFinish();

    Map<Long, List<Long>> byKey = new java.util.TreeMap<>();
    for (long[] start : STARTS.get(test)) {
      byKey.computeIfAbsent(start[0], k -> new ArrayList<>()).add(start[1]);
    }
    assertEquals(20, byKey.size());
    long lastFirst = Long.MIN_VALUE;
    long firstSecond = Long.MAX_VALUE;
    for (List<Long> starts : byKey.values()) {
      assertEquals(3, starts.size());
      java.util.Collections.sort(starts);
      lastFirst = Math.max(lastFirst, starts.get(0));
      firstSecond = Math.min(firstSecond, starts.get(1));
      for (int i = 1; i < starts.size(); i++) {
        assertTrue(
            starts.get(i) - starts.get(i - 1) >= 990_000_000L,
            "a key's starts are at least its delay apart");
      }
    }
    assertTrue(
        lastFirst < firstSecond,
        "every key's first call started before any key's second, not "
            + (lastFirst - firstSecond) / 1_000_000
            + " ms after");
  }

  /** Per test: each element's id and when its call ended. */
  private static final Map<String, Queue<Object[]>> ENDS = new ConcurrentHashMap<>();

  /** Key "slow" for ids starting with s, else the id: one slow key among many keys of one. */
  static final class SlowOrOwn
      implements org.apache.beam.sdk.transforms.SerializableFunction<TestItem, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String apply(TestItem item) {
      return item.id.startsWith("s") ? "slow" : item.id;
    }
  }

  /** 1 s for the slow key's elements, nothing for the others; records each end. */
  static final class SlowKeyCall implements StageCall<TestItem> {
    private static final long serialVersionUID = 1L;
    private final String test;

    SlowKeyCall(String test) {
      this.test = test;
    }

    @Override
    public TestItem call(TestItem input, Attempt attempt) throws InterruptedException {
      if (input.id.startsWith("s")) {
        Thread.sleep(1000);
      }
      ENDS.get(test).add(new Object[] {input.id, System.nanoTime()});
      return input;
    }
  }

  /** {@code n} items "PREFIX0"... in one bundle, made after {@code sleepMillis}. */
  private static PCollection<TestItem> bundleOf(
      Pipeline p, String prefix, int n, long sleepMillis) {
    return p.apply("Make " + prefix, Create.of(n))
        .apply(
            "Items " + prefix,
            ParDo.of(
                new DoFn<Integer, TestItem>() {
                  @ProcessElement
                  public void process(@Element Integer count, OutputReceiver<TestItem> out)
                      throws InterruptedException {
                    Thread.sleep(sleepMillis);
                    for (int i = 0; i < count; i++) {
                      out.output(new TestItem(prefix + i));
                    }
                  }
                }))
        .setCoder(SerializableCoder.of(TestItem.class));
  }

  @Test
  void aSlowKeysBacklogLeavesAcceptedElementsToTheOtherKeys() {
    // One bundle brings 5 elements of a slow key (one at a time, 1 s each), another, a moment
    // later, 20 elements of keys of their own; the chain accepts 4, at most 3 of one key. When the
    // slow key could take all 4, the others waited for its first call to end.
    String test = UUID.randomUUID().toString();
    ENDS.put(test, new ConcurrentLinkedQueue<>());
    Pipeline p = pipeline();
    PCollectionList.of(bundleOf(p, "s", 5, 0))
        .and(bundleOf(p, "f", 20, 100))
        .apply(Flatten.pCollections())
        .apply(
            StageChain.of(
                    threads("fetch", 2)
                        .running(new SlowKeyCall(test))
                        .withPerKeyLimit(new SlowOrOwn(), 1, Duration.ZERO))
                .withAccepted(4, 3)
                .toTable(new RecordingSink(test)));
    ACCEPTED.put(test, new ConcurrentLinkedQueue<>());
    PARTS_OUT.put(test, new ConcurrentLinkedQueue<>());
    p.run().waitUntilFinish();

    List<Long> slowEnds = new ArrayList<>();
    long lastFast = Long.MIN_VALUE;
    for (Object[] end : ENDS.get(test)) {
      if (((String) end[0]).startsWith("s")) {
        slowEnds.add((Long) end[1]);
      } else {
        lastFast = Math.max(lastFast, (Long) end[1]);
      }
    }
    java.util.Collections.sort(slowEnds);
    assertEquals(5, slowEnds.size());
    assertEquals(25, ACCEPTED.get(test).size(), "every element is a row");
    assertTrue(
        lastFast < slowEnds.get(0),
        "the other keys' 20 elements ended before the slow key's first, not "
            + (lastFast - slowEnds.get(0)) / 1_000_000
            + " ms after it");
  }

  @Test
  void acceptedElementsAreAtLeastOnePerKey() {
    assertThrows(IllegalArgumentException.class, () -> StageChain.of(upper()).withAccepted(10, 0));
    assertThrows(IllegalArgumentException.class, () -> StageChain.of(upper()).withAccepted(4, 5));
  }

  /** Per test: [rows accepted, whether a row failed, abandons after that failure]. */
  private static final Map<String, int[]> FAILING = new ConcurrentHashMap<>();

  /** Fails on element i13, as a full disk would; counts the abandons that follow. */
  static final class FailingSink implements RowSink<TestItem> {
    private static final long serialVersionUID = 1L;
    private final String test;

    FailingSink(String test) {
      this.test = test;
    }

    @Override
    public void accept(TestItem element) throws IOException {
      int[] state = FAILING.get(test);
      if (element.id.equals("i13")) {
        state[1] = 1;
        throw new IOException("No space left on device");
      }
      state[0]++;
    }

    @Override
    public String finishBundle() {
      return "part";
    }

    @Override
    public void abandonBundle() {
      int[] state = FAILING.get(test);
      if (state[1] == 1) {
        state[2]++;
      }
    }
  }

  @Test
  void aBundleThatFailsWritingARowAbandonsItsPart() {
    String test = UUID.randomUUID().toString();
    FAILING.put(test, new int[3]);
    Pipeline p = pipeline();
    oneBundle(p, 20).apply(StageChain.of(upper()).toTable(new FailingSink(test)));
    Exception e =
        assertThrows(Pipeline.PipelineExecutionException.class, () -> p.run().waitUntilFinish());
    assertTrue(String.valueOf(e.getCause()).contains("No space left on device"), String.valueOf(e));
    assertTrue(FAILING.get(test)[2] >= 1, "the failed bundle's part was abandoned (at teardown)");
  }

  /** A write whose disk is full: what ImageCalls.Write reports for ENOSPC. */
  static final class DiskFull implements StageCall<TestItem> {
    private static final long serialVersionUID = 1L;

    @Override
    public TestItem call(TestItem input, Attempt attempt) throws StageException {
      throw new StageException(
          FailureKind.DISK_FULL.label(),
          "no space left to write /out/" + input.id + " (No space left on device)");
    }
  }

  @Test
  void aDiskFullFailureStopsTheRunInsteadOfBecomingARow() {
    String test = UUID.randomUUID().toString();
    PARTS_OUT.put(test, new ConcurrentLinkedQueue<>());
    Pipeline p = pipeline();
    Stage<TestItem> full =
        new StageConfig("write", Executor.THREADS, 2, 0, 0, Duration.ofSeconds(10), 0, 0)
            .running(new DiskFull());
    oneBundle(p, 5).apply(StageChain.of(full).toTable(new RecordingSink(test)));

    Exception e =
        assertThrows(Pipeline.PipelineExecutionException.class, () -> p.run().waitUntilFinish());

    dev.forkline.pipelines.files.DiskFullException cause =
        dev.forkline.pipelines.files.DiskFullException.find(e);
    assertTrue(cause != null, String.valueOf(e));
    assertTrue(cause.getMessage().startsWith("no space left to write /out/i"), cause.getMessage());
    assertTrue(PARTS_OUT.get(test).isEmpty(), "a part reached the table: " + PARTS_OUT.get(test));
  }

  @Test
  void aWaitingRoomIsNotNegative() {
    assertThrows(IllegalArgumentException.class, () -> StageChain.of(upper()).withWaitingRoom(-1));
  }

  @Test
  void refusesInputInOtherWindows() {
    Pipeline p = pipeline();
    PCollection<TestItem> windowed =
        items(p, "A", 0, 3)
            .apply(Window.into(FixedWindows.of(org.joda.time.Duration.standardMinutes(1))));
    assertThrows(
        IllegalArgumentException.class,
        () -> windowed.apply(StageChain.of(upper()).toTable(new RecordingSink("unused"))));
  }
}
