package dev.forkline.workers.image.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.image.MetadataPolicy;
import dev.forkline.workers.image.TransformKernel;
import dev.forkline.workers.image.TransformReply;
import dev.forkline.workers.image.TransformRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of the {@link BombCorpus} is one failed reply of its kind: decoded by the transform
 * kernel as a worker runs it, at the default {@code max-pixels}, and all of them in a JVM of a 96
 * MB heap, where one bomb that got past the checks would be an out-of-memory error.
 */
class BombCorpusTest {
  static final long MAX_PIXELS = 89_478_485L;

  static Stream<BombCorpus.Entry> corpus() throws Exception {
    return BombCorpus.all().values().stream();
  }

  /** The failure kind of the kernel's reply to {@code bytes}, or "ok". */
  static String kindOf(byte[] bytes) throws IOException {
    byte[] request =
        new TransformRequest(
                MAX_PIXELS,
                true,
                List.of("resize width=32 method=lanczos3"),
                "png",
                85,
                MetadataPolicy.STRIP,
                true)
            .encode(bytes);
    TransformReply reply = TransformReply.decode(new TransformKernel().apply(request));
    return reply.ok() ? "ok" : reply.failureKind();
  }

  @Test
  void theCorpusHasFortyFilesOrMoreOverEveryFormat() throws Exception {
    Map<String, BombCorpus.Entry> all = BombCorpus.all();
    assertTrue(all.size() >= 40, all.size() + " files");
    for (String ext :
        List.of("jpg", "png", "gif", "bmp", "tif", "webp", "ico", "ppm", "pcx", "psd")) {
      assertTrue(all.keySet().stream().anyMatch(n -> n.endsWith("." + ext)), "no ." + ext);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void eachFileIsOneFailedReplyOfItsKind(BombCorpus.Entry entry) throws Exception {
    assertEquals(entry.kind(), kindOf(entry.bytes()), entry.name());
  }

  @Test
  void theWholeCorpusFailsCleanlyInASmallHeap() throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m",
                "-cp",
                System.getProperty("java.class.path"),
                CorpusInSmallHeap.class.getName())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the corpus took over 2 minutes");
    assertEquals(0, child.exitValue(), output);
    Map<String, String> got = new TreeMap<>();
    for (String line : output.split("\n")) {
      String[] parts = line.split("\t");
      if (parts.length == 2) {
        got.put(parts[0], parts[1]);
      }
    }
    List<String> wrong = new ArrayList<>();
    for (BombCorpus.Entry e : BombCorpus.all().values()) {
      if (!e.kind().equals(got.get(e.name()))) {
        wrong.add(e.name() + ": " + got.get(e.name()) + ", not " + e.kind());
      }
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong) + "\n" + output);
  }

  /** Runs the corpus through the kernel and prints "name TAB kind" for each file. */
  public static final class CorpusInSmallHeap {
    public static void main(String[] args) throws Exception {
      for (BombCorpus.Entry e : BombCorpus.all().values()) {
        String kind;
        try {
          kind = kindOf(e.bytes());
        } catch (OutOfMemoryError oom) {
          kind = "oom";
        } catch (Exception ex) {
          kind = "exception " + ex;
        }
        System.out.println(e.name() + "\t" + kind);
      }
    }
  }
}
