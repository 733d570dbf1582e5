package dev.forkline.pipelines.exec;

/**
 * How a stage of a {@link StageChain} becomes what its executor runs: its settings with its per-key
 * limit, and the call wrapped so each attempt works on its own copy.
 */
final class StageCalls {
  private StageCalls() {}

  /** A stage's call settings, plus its per-key limit if it has one. */
  static CallSettings settingsOf(Stage<?> stage) {
    CallSettings settings = stage.settings();
    return stage.keyFn() == null
        ? settings
        : settings.withPerKeyLimit(stage.perKeyLimit(), stage.perKeyDelay());
  }

  static <T extends Tracked<T>> BlockingCall<T, T> executableCall(Stage<T> stage) {
    if (stage.pool() != null) {
      return new PoolCall<>(new CopyingKernelCall<>((KernelCall<T>) stage.call()), stage.pool());
    }
    return stage.call() instanceof KernelCall<T> kernel
        ? new CopyingKernelCall<>(kernel)
        : new CopyingCall<>(stage.call());
  }

  /** Each attempt works on its own copy, so a failed attempt leaves nothing for the next. */
  static final class CopyingCall<T extends Tracked<T>> extends ForwardingCall<T, T>
      implements StageCall<T> {
    private static final long serialVersionUID = 1L;
    private final StageCall<T> call;

    CopyingCall(StageCall<T> call) {
      super(call);
      this.call = call;
    }

    @Override
    public T call(T input, Attempt attempt) throws Exception {
      return call.call(input.copy(), attempt);
    }
  }

  /** {@link CopyingCall} for kernel calls: the reply is merged into a copy. */
  static final class CopyingKernelCall<T extends Tracked<T>> extends ForwardingCall<T, T>
      implements KernelCall<T> {
    private static final long serialVersionUID = 1L;
    private final KernelCall<T> call;

    CopyingKernelCall(KernelCall<T> call) {
      super(call);
      this.call = call;
    }

    @Override
    public String kernel() {
      return call.kernel();
    }

    @Override
    public byte[] request(T input) throws Exception {
      return call.request(input);
    }

    @Override
    public T response(T input, byte[] reply) throws Exception {
      return call.response(input.copy(), reply);
    }

    @Override
    public T response(T input, byte[] reply, String worker) throws Exception {
      return call.response(input.copy(), reply, worker);
    }

    @Override
    public T call(T input, Attempt attempt) throws Exception {
      return call.call(input.copy(), attempt);
    }
  }
}
