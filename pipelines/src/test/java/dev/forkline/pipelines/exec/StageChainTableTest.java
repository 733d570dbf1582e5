package dev.forkline.pipelines.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.pipelines.config.Executor;
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

/** StageChain.toTable: each element to the row sink once, as it finishes; a part per bundle. */
class StageChainTableTest {
  /** What the sinks of one test saw, by the test's id (the DoFns are copies). */
  private static final Map<String, Queue<String>> ACCEPTED = new ConcurrentHashMap<>();

  private static final Map<String, Queue<String>> PARTS_OUT = new ConcurrentHashMap<>();

  /** A test element: an id, and its outcome. */
  static final class Item implements Tracked<Item> {
    private static final long serialVersionUID = 1L;
    final String id;
    String value;
    Failure failure;

    Item(String id) {
      this.id = id;
    }

    @Override
    public Item copy() {
      Item c = new Item(id);
      c.value = value;
      c.failure = failure;
      return c;
    }

    @Override
    public Failure failure() {
      return failure;
    }

    @Override
    public void fail(Failure failure) {
      this.failure = failure;
    }

    @Override
    public void addStageMillis(String stage, long millis) {}
  }

  /** Upper-cases the id; ids ending in 7 fail. */
  static final class Upper implements StageCall<Item> {
    private static final long serialVersionUID = 1L;

    @Override
    public Item call(Item input, Attempt attempt) {
      if (input.id.endsWith("7")) {
        throw new IllegalArgumentException("no sevens");
      }
      input.value = input.id.toUpperCase(java.util.Locale.ROOT);
      return input;
    }
  }

  /** Records each row ("id=value" or "id!kind") into the bundle's "part", a list of its own. */
  static final class RecordingSink implements RowSink<Item> {
    private static final long serialVersionUID = 1L;
    private final String test;
    private transient List<String> part;

    RecordingSink(String test) {
      this.test = test;
    }

    @Override
    public void accept(Item element) {
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

  private static Stage<Item> upper() {
    return Stage.of("upper", new Upper())
        .withConfig(
            new StageConfig("upper", Executor.THREADS, 4, 0, 0, Duration.ofSeconds(10), 0, 0));
  }

  private static PCollection<Item> items(Pipeline p, String name, int from, int to) {
    List<Item> items = new ArrayList<>();
    for (int i = from; i < to; i++) {
      items.add(new Item("i" + i));
    }
    return p.apply(name, Create.of(items).withCoder(SerializableCoder.of(Item.class)));
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

  @Test
  void refusesInputInOtherWindows() {
    Pipeline p = pipeline();
    PCollection<Item> windowed =
        items(p, "A", 0, 3)
            .apply(Window.into(FixedWindows.of(org.joda.time.Duration.standardMinutes(1))));
    assertThrows(
        IllegalArgumentException.class,
        () -> windowed.apply(StageChain.of(upper()).toTable(new RecordingSink("unused"))));
  }
}
