package dev.forkline.pipelines.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.StructuredCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * An element of a {@link Threaded} or {@link ProcessPool} transform on its way through the one
 * stage of its {@link StageChain}: the input, then the call's output or the failure, so both
 * transforms run on the engine the pipelines use.
 */
final class CallState<I, O> implements Tracked<CallState<I, O>> {
  private static final long serialVersionUID = 1L;

  final I input;
  O output;
  Failure failure;
  int attempts;
  long millis;

  CallState(I input) {
    this.input = input;
  }

  @Override
  public CallState<I, O> copy() {
    CallState<I, O> copy = new CallState<>(input);
    copy.output = output;
    copy.failure = failure;
    copy.attempts = attempts;
    copy.millis = millis;
    return copy;
  }

  @Override
  public Failure failure() {
    return failure;
  }

  @Override
  public void fail(Failure failure) {
    this.failure = failure;
  }

  @Override
  public void addStageMillis(String stage, long millis) {
    this.millis += millis;
  }

  @Override
  public void recordAttempts(String stage, int attempts) {
    this.attempts = attempts;
  }

  /** The failure record of a failed state. */
  CallFailure<I> toFailure() {
    return new CallFailure<>(
        input, failure.stage(), failure.kind(), failure.message(), attempts, millis);
  }

  /** The stage call that runs {@code call} on the state's input. */
  static <I, O> StageCall<CallState<I, O>> stageCall(BlockingCall<I, O> call) {
    return new OnInput<>(call);
  }

  /** The kernel call that runs {@code call}'s kernel on the state's input. */
  static <I, O> KernelCall<CallState<I, O>> kernelCall(RemoteCall<I, O> call) {
    return new KernelOnInput<>(call);
  }

  private static class OnInput<I, O> extends ForwardingCall<CallState<I, O>, CallState<I, O>>
      implements StageCall<CallState<I, O>> {
    private static final long serialVersionUID = 1L;
    final BlockingCall<I, O> call;

    OnInput(BlockingCall<I, O> call) {
      super(call);
      this.call = call;
    }

    @Override
    public CallState<I, O> call(CallState<I, O> state, Attempt attempt) throws Exception {
      state.output = call.call(state.input, attempt);
      return state;
    }
  }

  private static final class KernelOnInput<I, O> extends OnInput<I, O>
      implements KernelCall<CallState<I, O>> {
    private static final long serialVersionUID = 1L;
    private final RemoteCall<I, O> remote;

    KernelOnInput(RemoteCall<I, O> remote) {
      super(remote);
      this.remote = remote;
    }

    @Override
    public String kernel() {
      return remote.kernel();
    }

    @Override
    public byte[] request(CallState<I, O> state) throws Exception {
      return remote.request(state.input);
    }

    @Override
    public CallState<I, O> response(CallState<I, O> state, byte[] reply) throws Exception {
      state.output = remote.response(state.input, reply);
      return state;
    }

    @Override
    public CallState<I, O> response(CallState<I, O> state, byte[] reply, String worker)
        throws Exception {
      state.output = remote.response(state.input, reply, worker);
      return state;
    }
  }

  static <I, O> Coder<CallState<I, O>> coder(Coder<I> input, Coder<O> output) {
    return new StateCoder<>(input, output);
  }

  private static final class StateCoder<I, O> extends StructuredCoder<CallState<I, O>> {
    private static final long serialVersionUID = 1L;
    private static final Coder<String> STRING = NullableCoder.of(StringUtf8Coder.of());
    private final Coder<I> input;
    private final Coder<O> output;

    StateCoder(Coder<I> input, Coder<O> output) {
      this.input = Objects.requireNonNull(input, "input");
      this.output = NullableCoder.of(Objects.requireNonNull(output, "output"));
    }

    @Override
    public void encode(CallState<I, O> value, OutputStream out) throws IOException {
      input.encode(value.input, out);
      output.encode(value.output, out);
      Failure f = value.failure;
      STRING.encode(f == null ? null : f.stage(), out);
      if (f != null) {
        STRING.encode(f.kind(), out);
        STRING.encode(f.message(), out);
      }
      VarIntCoder.of().encode(value.attempts, out);
      VarLongCoder.of().encode(value.millis, out);
    }

    @Override
    public CallState<I, O> decode(InputStream in) throws IOException {
      CallState<I, O> state = new CallState<>(input.decode(in));
      state.output = output.decode(in);
      String stage = STRING.decode(in);
      if (stage != null) {
        state.failure = new Failure(stage, STRING.decode(in), STRING.decode(in));
      }
      state.attempts = VarIntCoder.of().decode(in);
      state.millis = VarLongCoder.of().decode(in);
      return state;
    }

    @Override
    public List<? extends Coder<?>> getCoderArguments() {
      return List.of(input, output);
    }

    @Override
    public void verifyDeterministic() throws NonDeterministicException {
      input.verifyDeterministic();
      output.verifyDeterministic();
    }
  }
}
