package dev.forkline.pipelines.exec;

import java.util.concurrent.Semaphore;

/**
 * An element's in-flight permit when the chain's first stage is keyed: taken by the first stage's
 * attempt when its key lets it start, given back for a retry's back-off, held from the first
 * stage's success to the element's end, and given back once at the end.
 */
final class PermitAdmission implements CallExecutor.Admission {
  private static final int NONE = 0;
  private static final int HELD = 1;
  private static final int ENDED = 2;

  private final Semaphore permits;
  private final java.util.concurrent.atomic.AtomicInteger state =
      new java.util.concurrent.atomic.AtomicInteger(NONE);

  PermitAdmission(Semaphore permits) {
    this.permits = permits;
  }

  @Override
  public void acquire() throws InterruptedException {
    permits.acquire();
    if (!state.compareAndSet(NONE, HELD)) {
      permits.release(); // the element ended meanwhile, or holds one already
    }
  }

  @Override
  public void release() {
    if (state.compareAndSet(HELD, NONE)) {
      permits.release();
    }
  }

  /** The element ended: gives its permit back if it holds one, and refuses later ones. */
  void end() {
    if (state.getAndSet(ENDED) == HELD) {
      permits.release();
    }
  }
}
