package dev.forkline.pipelines.exec;

import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;

/**
 * A small pipeline for {@link ProcessPoolTest}: runs slow tasks on a pool of 2 workers and prints
 * "worker PID" for each task's worker, so the test can kill this JVM and look for orphans.
 */
public final class PoolParentMain {
  private PoolParentMain() {}

  public static void main(String[] args) {
    DirectOptions options = PipelineOptionsFactory.as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply(
            Create.of(IntStream.range(0, 200).mapToObj(i -> "x").collect(Collectors.toList()))
                .withCoder(StringUtf8Coder.of()))
        .apply(
            ProcessPool.of(new PidCall())
                .withStageName("pids")
                .withWorkers(2)
                .withHeap(64L << 20)
                .withTimeout(Duration.ofSeconds(30))
                .withOutputCoder(StringUtf8Coder.of()));
    pipeline.run().waitUntilFinish();
  }

  /** Asks a worker for its pid, prints it, then lets the worker sleep a while. */
  static final class PidCall implements RemoteCall<String, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String kernel() {
      return ScriptKernel.NAME;
    }

    @Override
    public byte[] request(String input) {
      return "pid".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String response(String input, byte[] reply) throws Exception {
      String pid = new String(reply, java.nio.charset.StandardCharsets.UTF_8);
      System.out.println("worker " + pid);
      System.out.flush();
      Thread.sleep(100);
      return pid;
    }
  }
}
