package dev.forkline.workers.image.corpus;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.forkline.workers.image.MetadataPolicy;
import dev.forkline.workers.image.TransformKernel;
import dev.forkline.workers.image.TransformReply;
import dev.forkline.workers.image.TransformRequest;
import java.util.List;

/**
 * The fuzz target of the whole transform as a worker runs it: probe, shrink-on-load, decode, the
 * sample chain, EXIF kept and rewritten, encode. Any bytes give a reply, ok or failed with its
 * kind, never an exception, an out-of-memory error or a hang. Fuzzes in the workers module's {@code
 * fuzz-kernel} execution (JAZZER_FUZZ=1, a 512 MB heap, so a bomb shows as out of memory);
 * otherwise runs on its seeds ({@code TransformKernelFuzzTestInputs}).
 */
class TransformKernelFuzzTest {
  private static final TransformKernel KERNEL = new TransformKernel();

  private static final List<String> CHAIN =
      List.of("resize width=64 method=lanczos3", "sharpen sigma=0.8 amount=0.6");

  @FuzzTest(maxDuration = "5m")
  void anyBytesGiveAReply(byte[] data) throws Exception {
    byte[] request =
        new TransformRequest(4_000_000L, true, CHAIN, "jpeg", 85, MetadataPolicy.KEEP, true)
            .encode(data);
    TransformReply.decode(KERNEL.apply(request));
  }
}
