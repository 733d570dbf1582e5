package dev.forkline.pipelines.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link DirectWait} on real Direct runs. */
@Timeout(60)
class DirectWaitTest {
  /** Holds {@link HeldFn} until a test lets it go (the DoFn is serialized: a static). */
  private static volatile CountDownLatch hold = new CountDownLatch(0);

  @AfterEach
  void release() {
    hold.countDown();
  }

  static final class HeldFn extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(@Element Integer i, OutputReceiver<Integer> out)
        throws InterruptedException {
      hold.await(50, TimeUnit.SECONDS);
      out.output(i);
    }
  }

  static final class FailingFn extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(@Element Integer i) {
      throw new IllegalStateException("element " + i + " broke the pipeline");
    }
  }

  private static PipelineResult run(DoFn<Integer, Integer> fn) {
    DirectOptions options = PipelineOptionsFactory.as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    options.setBlockOnRun(false);
    Pipeline pipeline = Pipeline.create(options);
    pipeline.apply(Create.of(1, 2, 3)).apply(ParDo.of(fn));
    return pipeline.run();
  }

  @Test
  void aFinishedRunIsDone() {
    PipelineResult result = run(new HeldFn());
    assertEquals(PipelineResult.State.DONE, new DirectWait(result).await(Duration.ofSeconds(50)));
  }

  @Test
  void aRunStillGoingAfterTheTickIsReportedRunning() {
    hold = new CountDownLatch(1);
    PipelineResult result = run(new HeldFn());
    DirectWait wait = new DirectWait(result);
    assertEquals(PipelineResult.State.RUNNING, wait.await(Duration.ofMillis(100)));

    hold.countDown();
    assertEquals(PipelineResult.State.DONE, wait.await(Duration.ofSeconds(50)));
  }

  @Test
  void aFailedRunThrowsItsCause() {
    PipelineResult result = run(new FailingFn());
    Pipeline.PipelineExecutionException e =
        assertThrows(
            Pipeline.PipelineExecutionException.class,
            () -> new DirectWait(result).await(Duration.ofSeconds(50)));
    assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
    assertTrue(e.getCause().getMessage().contains("broke the pipeline"), e.getMessage());
  }

  @Test
  void anInterruptedWaitGivesUp() {
    hold = new CountDownLatch(1);
    DirectWait wait = new DirectWait(run(new HeldFn()));
    Thread.currentThread().interrupt();
    try {
      assertThrows(PipelineFailedException.class, () -> wait.await(Duration.ofSeconds(50)));
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept");
    } finally {
      Thread.interrupted();
    }
  }
}
