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
 * One element a call could not process: the element itself, the stage, the failure kind (a small
 * fixed vocabulary such as {@code timeout}, {@code io}, {@code http-5xx}), a message for people,
 * the attempts made and the time it took.
 */
public record CallFailure<I>(
    I element, String stage, String kind, String message, int attempts, long elapsedMillis) {

  public CallFailure {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(kind, "kind");
  }

  /** A Beam coder for failures of elements that {@code elementCoder} encodes. */
  public static <I> Coder<CallFailure<I>> coder(Coder<I> elementCoder) {
    return new FailureCoder<>(elementCoder);
  }

  private static final class FailureCoder<I> extends StructuredCoder<CallFailure<I>> {
    private static final long serialVersionUID = 1L;
    private static final Coder<String> STRING = StringUtf8Coder.of();
    private static final Coder<String> NULLABLE_STRING = NullableCoder.of(StringUtf8Coder.of());

    private final Coder<I> elementCoder;

    FailureCoder(Coder<I> elementCoder) {
      this.elementCoder = Objects.requireNonNull(elementCoder, "elementCoder");
    }

    @Override
    public void encode(CallFailure<I> value, OutputStream out) throws IOException {
      elementCoder.encode(value.element(), out);
      STRING.encode(value.stage(), out);
      STRING.encode(value.kind(), out);
      NULLABLE_STRING.encode(value.message(), out);
      VarIntCoder.of().encode(value.attempts(), out);
      VarLongCoder.of().encode(value.elapsedMillis(), out);
    }

    @Override
    public CallFailure<I> decode(InputStream in) throws IOException {
      return new CallFailure<>(
          elementCoder.decode(in),
          STRING.decode(in),
          STRING.decode(in),
          NULLABLE_STRING.decode(in),
          VarIntCoder.of().decode(in),
          VarLongCoder.of().decode(in));
    }

    @Override
    public List<? extends Coder<?>> getCoderArguments() {
      return List.of(elementCoder);
    }

    @Override
    public void verifyDeterministic() throws NonDeterministicException {
      elementCoder.verifyDeterministic();
    }
  }
}
