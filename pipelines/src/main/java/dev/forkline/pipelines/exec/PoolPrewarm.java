package dev.forkline.pipelines.exec;

import dev.forkline.workers.pool.PoolSpec;
import dev.forkline.workers.pool.WorkerPools;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a stage's worker JVMs while the pipeline is still being built and launched, so their
 * start-up overlaps the runner's instead of delaying the first element. Only where the pipeline
 * runs in this JVM (the Direct runner): the pool is the one the stage's DoFns then share, because
 * pools are shared per JVM and spec. The early lease ends when the stage's first DoFn holds its
 * own, or after {@value #HOLD_SECONDS} s if none ever does (an empty input).
 */
final class PoolPrewarm {
  private static final Logger LOG = LoggerFactory.getLogger(PoolPrewarm.class);
  static final long HOLD_SECONDS = 120;

  private static final Map<String, CompletableFuture<WorkerPools.Lease>> HELD =
      new ConcurrentHashMap<>();

  private PoolPrewarm() {}

  /** Starts the pool of {@code spec} in the background, held under {@code id}. */
  static void start(String id, PoolSpec spec) {
    CompletableFuture<WorkerPools.Lease> lease = new CompletableFuture<>();
    if (HELD.putIfAbsent(id, lease) != null) {
      return;
    }
    Thread starter =
        new Thread(
            () -> {
              try {
                lease.complete(WorkerPools.acquire(spec));
              } catch (Exception | Error e) {
                // The stage's own setup will start the pool again and report why it cannot.
                LOG.debug("early start of the worker pool failed", e);
                lease.complete(null);
              }
            },
            "forkline-prewarm");
    starter.setDaemon(true);
    starter.start();
    Timers.schedule(() -> end(id), TimeUnit.SECONDS.toNanos(HOLD_SECONDS));
  }

  /** Ends the early lease under {@code id}, if any (the pool lives on while others hold it). */
  static void end(String id) {
    CompletableFuture<WorkerPools.Lease> lease = HELD.remove(id);
    if (lease != null) {
      lease.thenAccept(
          l -> {
            if (l != null) {
              l.close();
            }
          });
    }
  }
}
