package dev.forkline.pipelines.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;

/** BatchChunks and ChunkCoder: batches travel in chunks, every element once, in order. */
class BatchChunksTest {
  @Test
  void everyElementLeavesOnceInItsBatchInChunksOfAtMostTheLimit() {
    Map<Integer, List<Integer>> seen = new HashMap<>();
    List<Integer> sizes = new ArrayList<>();
    BatchChunks<Integer> chunks =
        new BatchChunks<>(
            (batch, chunk) -> {
              sizes.add(chunk.size());
              seen.computeIfAbsent(batch, b -> new ArrayList<>()).addAll(chunk);
            });
    int n = BatchChunks.CHUNK * 5 + 17;
    for (int i = 0; i < n; i++) {
      chunks.add(i % 3, i);
    }
    chunks.flush();
    int total = 0;
    for (Map.Entry<Integer, List<Integer>> e : seen.entrySet()) {
      for (int v : e.getValue()) {
        assertEquals(e.getKey().intValue(), v % 3, "element " + v + " in the wrong batch");
      }
      total += e.getValue().size();
    }
    assertEquals(n, total);
    assertTrue(sizes.stream().allMatch(s -> s > 0 && s <= BatchChunks.CHUNK), sizes.toString());
    assertEquals(3, sizes.stream().filter(s -> s < BatchChunks.CHUNK).count(), "one rest a batch");
  }

  @Test
  void pastItsHoldLimitEveryPartialChunkLeavesAtOnce() {
    List<String> out = new ArrayList<>();
    BatchChunks<Integer> chunks = new BatchChunks<>(3);
    for (int i = 0; i < 3; i++) {
      chunks.add(i, i, (batch, chunk) -> out.add(batch + "=" + chunk));
    }
    assertEquals(List.of(), out, "three held: none sent yet");
    chunks.add(3, 3, (batch, chunk) -> out.add(batch + "=" + chunk));
    assertEquals(List.of("0=[0]", "1=[1]", "2=[2]", "3=[3]"), out.stream().sorted().toList());
    chunks.add(0, 4, (batch, chunk) -> out.add(batch + "=" + chunk));
    chunks.flush((batch, chunk) -> out.add(batch + "=" + chunk));
    assertEquals("0=[4]", out.get(out.size() - 1), "the count starts again after a send");
  }

  @Test
  void flushWithNothingAddedEmitsNothing() {
    List<List<String>> out = new ArrayList<>();
    new BatchChunks<String>((batch, chunk) -> out.add(chunk)).flush();
    assertEquals(List.of(), out);
  }

  @Test
  void aChunkRoundTripsInsideAKeyedValueFollowedByMore() throws Exception {
    KvCoder<Integer, List<String>> kv = KvCoder.of(VarIntCoder.of(), ChunkCoder.of(String.class));
    List<String> chunk = List.of("a", "", "ü€", "a");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    kv.encode(KV.of(7, chunk), bytes);
    StringUtf8Coder.of().encode("after", bytes);
    ByteArrayInputStream in = new ByteArrayInputStream(bytes.toByteArray());
    assertEquals(KV.of(7, chunk), kv.decode(in));
    assertEquals("after", StringUtf8Coder.of().decode(in), "the chunk read past its end");
    assertEquals(List.of(), CoderUtils.clone(ChunkCoder.of(String.class), List.<String>of()));
  }

  @Test
  void aChunkOfAnotherTypeIsACoderError() throws Exception {
    byte[] ints = CoderUtils.encodeToByteArray(ChunkCoder.of(Integer.class), List.of(1, 2));
    assertThrows(
        CoderException.class,
        () -> CoderUtils.decodeFromByteArray(ChunkCoder.of(String.class), ints));
  }
}
