package dev.forkline.workers.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.image.codec.ImageCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An output larger than one worker frame carries is a too-large row, on every executor. */
class OutputLimitTest {
  private static TransformReply transform(TransformKernel kernel) throws Exception {
    byte[] png = ImageCodec.encode(TransformKernel.photoLike(64, 48), "png", 85, null);
    byte[] request =
        new TransformRequest(1L << 20, true, List.of(), "bmp", 85, MetadataPolicy.STRIP)
            .encode(png);
    return TransformReply.decode(kernel.apply(request));
  }

  @Test
  void anOutputOverTheLimitIsTooLarge() throws Exception {
    TransformReply reply = transform(new TransformKernel(1000));
    assertEquals("too-large", reply.failureKind());
    assertTrue(reply.failureMessage().contains("bmp output of 64x48"), reply.failureMessage());
    assertEquals(64, reply.source().width(), "what was decoded is still told");
  }

  @Test
  void anOutputUnderTheLimitIsSent() throws Exception {
    assertTrue(transform(new TransformKernel(1 << 20)).ok());
  }

  @Test
  void theLimitLeavesRoomInAFrame() {
    assertTrue(
        TransformKernel.MAX_OUTPUT_BYTES < dev.forkline.workers.protocol.Frames.MAX_FRAME_BYTES);
  }
}
