package dev.forkline.workers.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class WorkerPoolsTest {

  private static PoolSpec spec() {
    return WorkerPoolTest.spec("test.echo").build();
  }

  @Test
  void equalSpecsShareOnePoolUntilTheLastLeaseCloses() throws Exception {
    WorkerPools.Lease first = WorkerPools.acquire(spec());
    WorkerPools.Lease second = WorkerPools.acquire(spec());
    WorkerPool pool = first.pool();
    assertSame(pool, second.pool());
    assertEquals(2, WorkerPools.leases(spec()));

    first.close();
    first.close(); // a second close is a no-op: it must not release the other lease
    assertEquals(1, WorkerPools.leases(spec()));
    assertFalse(pool.isClosed());
    assertTrue(pool.call("test.echo", new byte[] {1}).ok());

    second.close();
    assertTrue(pool.isClosed());
    assertEquals(0, WorkerPools.leases(spec()));
    assertEquals(TaskResult.POOL_CLOSED, pool.call("test.echo", new byte[] {1}).kind());

    try (WorkerPools.Lease again = WorkerPools.acquire(spec())) {
      assertNotSame(pool, again.pool(), "a new pool after the last close");
      assertTrue(again.pool().call("test.echo", new byte[] {1}).ok());
    }
  }

  @Test
  void differentSpecsGetDifferentPools() throws Exception {
    try (WorkerPools.Lease a = WorkerPools.acquire(spec());
        WorkerPools.Lease b =
            WorkerPools.acquire(spec().toBuilder().withJvmFlags("-Dforkline.test=b").build())) {
      assertNotSame(a.pool(), b.pool());
    }
  }

  @Test
  void aPoolThatCannotStartLeavesNoLease() {
    PoolSpec bad = spec().toBuilder().withClasspath("/no/such/dir").build();
    assertThrows(IOException.class, () -> WorkerPools.acquire(bad));
    assertEquals(0, WorkerPools.leases(bad));
  }

  @Test
  void aKeptIdlePoolServesTheNextEqualSpecWithItsRunningWorkers() throws Exception {
    WorkerPools.keepIdlePools(1);
    try {
      WorkerPool pool;
      try (WorkerPools.Lease first = WorkerPools.acquire(spec())) {
        pool = first.pool();
        first.pool().call("test.echo", new byte[] {1});
        first.pool().drainCounters();
      }
      assertFalse(pool.isClosed(), "kept running after its last lease");
      assertEquals(1, WorkerPools.idlePools());
      try (WorkerPools.Lease again = WorkerPools.acquire(spec())) {
        assertSame(pool, again.pool());
        assertEquals(0, WorkerPools.idlePools());
        assertEquals(0, pool.drainCounters().workerStarts(), "no worker started again");
      }
      // A second spec pushes the first out: one idle pool is kept, the least recent closes.
      try (WorkerPools.Lease other =
          WorkerPools.acquire(spec().toBuilder().withJvmFlags("-Dforkline.test=c").build())) {
        other.pool().call("test.echo", new byte[] {2});
      }
      assertTrue(pool.isClosed(), "the least recently used idle pool was closed");
      assertEquals(1, WorkerPools.idlePools());
    } finally {
      WorkerPools.keepIdlePools(0);
    }
    assertEquals(0, WorkerPools.idlePools());
  }
}
