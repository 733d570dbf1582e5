package dev.forkline.workers.image.codec;

import static dev.forkline.workers.image.codec.CodecTestImages.gradient;
import static dev.forkline.workers.image.codec.CodecTestImages.imageIo;
import static dev.forkline.workers.image.codec.CodecTestImages.toImage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forkline.workers.image.MetadataPolicy;
import dev.forkline.workers.image.TransformKernel;
import dev.forkline.workers.image.TransformReply;
import dev.forkline.workers.image.TransformRequest;
import java.awt.image.BufferedImage;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The transform kernel turns a photo upright by its EXIF orientation: first by default, or where
 * {@code auto-orient} stands in the chain. (Here for the EXIF test blocks of this package.)
 */
class TransformKernelOrientTest {
  private static final TransformKernel KERNEL = new TransformKernel();

  /** A 48x32 JPEG whose EXIF says "rotate 90° clockwise to view" (orientation 6). */
  private static byte[] sideways() throws Exception {
    byte[] jpeg = imageIo(toImage(gradient(48, 32), BufferedImage.TYPE_INT_RGB), "jpeg");
    return ExifBlocks.jpegWithApp1(jpeg, ExifBlocks.block(ByteOrder.LITTLE_ENDIAN, 6));
  }

  private static TransformReply run(boolean autoOrient, List<String> filters) throws Exception {
    byte[] request =
        new TransformRequest(1L << 20, autoOrient, filters, "png", 85, MetadataPolicy.STRIP)
            .encode(sideways());
    return TransformReply.decode(KERNEL.apply(request));
  }

  @Test
  void byDefaultThePhotoIsTurnedUprightBeforeTheFilters() throws Exception {
    TransformReply r = run(true, List.of("crop x=0 y=0 width=20 height=40"));
    assertEquals(20, r.widthOut());
    assertEquals(40, r.heightOut(), "cropped after turning: 32x48 upright");
    assertEquals("auto-orient orientation=6; crop x=0 y=0 width=20 height=40", r.filtersApplied());
  }

  @Test
  void listedAutoOrientTurnsItWhereItStands() throws Exception {
    TransformReply r = run(true, List.of("crop x=0 y=0 width=40 height=20", "auto-orient"));
    assertEquals(20, r.widthOut(), "cropped 40x20 first, then turned");
    assertEquals(40, r.heightOut());
    assertEquals("crop x=0 y=0 width=40 height=20; auto-orient orientation=6", r.filtersApplied());
  }

  @Test
  void withAutoOrientOffThePixelsStayAsStored() throws Exception {
    TransformReply r = run(false, List.of());
    assertEquals(48, r.widthOut());
    assertEquals(32, r.heightOut());
    assertEquals("", r.filtersApplied());
  }
}
