package dev.forkline.pipelines.exec;

/**
 * A call wrapped around another: the wrapper changes what an element goes through, and the wrapped
 * call's lifecycle (setup, teardown, its failure classes and metrics) stays its own.
 */
abstract class ForwardingCall<I, O> implements BlockingCall<I, O> {
  private static final long serialVersionUID = 1L;
  private final BlockingCall<?, ?> wrapped;

  ForwardingCall(BlockingCall<?, ?> wrapped) {
    this.wrapped = wrapped;
  }

  @Override
  public String classify(Exception e) {
    return wrapped.classify(e);
  }

  @Override
  public void setup() throws Exception {
    wrapped.setup();
  }

  @Override
  public void teardown() {
    wrapped.teardown();
  }

  @Override
  public void reportMetrics(StageMetrics metrics) {
    wrapped.reportMetrics(metrics);
  }
}
