package dev.forkline.workers.image.corpus;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.forkline.workers.image.ImageException;
import dev.forkline.workers.image.codec.ImageCodec;

/**
 * The fuzz target of the header probe and the decoders: any bytes decode or fail as an {@link
 * ImageException}, within a 4 MP limit, never with another exception, an out-of-memory error or a
 * hang. Fuzzes {@code fuzz.runs} inputs from {@code fuzz.seed} in the workers module's {@code fuzz}
 * execution (JAZZER_FUZZ=1, a 512 MB heap); otherwise runs on its seeds ({@code
 * ImageDecodeFuzzTestInputs}) and what earlier fuzzing found there.
 */
class ImageDecodeFuzzTest {
  @FuzzTest(maxDuration = "5m")
  void decodeFailsOnlyAsAnImageError(byte[] data) {
    try {
      ImageCodec.decode(data, 4_000_000L);
    } catch (ImageException expected) {
      // a failed row of its kind: what bad bytes must give
    }
  }
}
