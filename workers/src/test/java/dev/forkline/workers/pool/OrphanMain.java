package dev.forkline.workers.pool;

import java.util.stream.Collectors;

/**
 * A parent JVM for {@link OrphanTest}: starts a pool, prints its workers' pids on one line, keeps
 * them busy, and waits to be killed.
 */
public final class OrphanMain {
  private OrphanMain() {}

  public static void main(String[] args) throws Exception {
    WorkerPool pool =
        WorkerPool.start(PoolSpec.builder("test.hang").withWorkers(2).withHeap("32m").build());
    pool.submit("test.hang", new byte[0]); // one worker busy in a kernel that ignores interrupts
    System.out.println(
        "PIDS "
            + pool.workerInfo().stream()
                .map(w -> Long.toString(w.pid()))
                .collect(Collectors.joining(" ")));
    System.out.flush();
    Thread.sleep(60_000);
  }
}
