package dev.forkline.pipelines.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;

/** The process pool as a Beam transform, with real worker JVMs. */
class ProcessPoolTest {
  private static Pipeline pipeline() {
    DirectOptions options = PipelineOptionsFactory.as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    return Pipeline.create(options);
  }

  private static WithFailures.Result<PCollection<String>, CallFailure<String>> run(
      Pipeline p, List<String> scripts, ProcessPool<String, String> pool) {
    return p.apply("Scripts", Create.of(scripts).withCoder(StringUtf8Coder.of()))
        .apply("Pool", pool.withOutputCoder(StringUtf8Coder.of()));
  }

  private static ProcessPool<String, String> pool() {
    return ProcessPool.of(new TextKernelCall(ScriptKernel.NAME))
        .withStageName("script")
        .withWorkers(2)
        .withHeap(64L << 20);
  }

  private static PCollection<String> describe(PCollection<CallFailure<String>> failures) {
    return failures.apply(
        "Describe",
        MapElements.into(TypeDescriptors.strings())
            .via(f -> f.element() + " -> " + f.kind() + " after " + f.attempts()));
  }

  @Test
  void everyElementGivesExactlyOneOutput() {
    Pipeline p = pipeline();
    List<String> words = IntStream.range(0, 300).mapToObj(i -> "w" + i).toList();
    var result = run(p, words.stream().map(w -> "echo:" + w).toList(), pool());
    PAssert.that(result.output()).containsInAnyOrder(words);
    PAssert.that(result.failures()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void faultsBecomeTypedFailuresAndTheOthersFinish() {
    Pipeline p = pipeline();
    List<String> scripts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      scripts.add("echo:" + i);
    }
    scripts.add("throw:bad input");
    scripts.add("crash:7");
    scripts.add("hang");
    scripts.add("oom");
    var result = run(p, scripts, pool().withRetries(1).withTimeout(Duration.ofMillis(1500)));
    PAssert.that(result.output())
        .containsInAnyOrder(IntStream.range(0, 40).mapToObj(String::valueOf).toList());
    PAssert.that(describe(result.failures()))
        .containsInAnyOrder(
            "throw:bad input -> task-error after 1",
            "crash:7 -> crash after 2",
            "hang -> timeout after 2",
            "oom -> oom after 1");
    p.run().waitUntilFinish();
  }

  @Test
  void aFailureNamesTheWorkerAndItsExit() {
    Pipeline p = pipeline();
    var result = run(p, List.of("crash:7"), pool().withRetries(0));
    PAssert.that(result.failures())
        .satisfies(
            failures -> {
              CallFailure<String> f = failures.iterator().next();
              assertEquals("crash", f.kind());
              assertTrue(f.message().contains("worker"), f.message());
              assertTrue(f.message().contains("exit 7"), f.message());
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  void killingThePipelineJvmLeavesNoWorker() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process parent =
        new ProcessBuilder(
                java, "-cp", System.getProperty("java.class.path"), PoolParentMain.class.getName())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    Set<Long> workers = new HashSet<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      String line;
      while (workers.size() < 2 && System.nanoTime() < until && (line = out.readLine()) != null) {
        if (line.startsWith("worker ")) {
          workers.add(Long.parseLong(line.substring("worker ".length()).trim()));
        }
      }
      assertEquals(2, workers.size(), "the child pipeline reported its two workers");
      for (long pid : workers) {
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      }
      parent.destroyForcibly(); // SIGKILL: no shutdown hook runs
      parent.waitFor();
    } finally {
      parent.destroyForcibly();
    }
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    Set<Long> alive = workers;
    while (System.nanoTime() < until) {
      alive =
          workers.stream()
              .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
              .collect(Collectors.toSet());
      if (alive.isEmpty()) {
        break;
      }
      Thread.sleep(50);
    }
    assertEquals(Set.of(), alive, "workers left alive after their pipeline was killed");
  }
}
