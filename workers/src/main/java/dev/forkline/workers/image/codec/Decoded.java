package dev.forkline.workers.image.codec;

import dev.forkline.workers.image.Pixels;
import java.util.function.UnaryOperator;

/**
 * A decoded image with what produced it.
 *
 * @param pixels the pixels, orientation not applied (see {@link ImageMetadata#orientation()})
 * @param format the container format: jpeg, png, gif, bmp, tiff, webp, ico, pnm, pcx or psd
 * @param decoder the library that decoded it: {@code libjpeg-turbo}, {@code imageio}, {@code
 *     imageio-twelvemonkeys} or {@code commons-imaging}
 * @param metadata EXIF facts; {@link ImageMetadata#NONE} when the image has none
 * @param width the image's own width: the pixels' unless it was shrunk on load
 * @param height the image's own height
 * @param pendingColour for pixels shrunk on load: the conversion of their ICC colour to sRGB, left
 *     to the caller to apply once they are resized (as libvips's thumbnail does), or null
 */
public record Decoded(
    Pixels pixels,
    String format,
    String decoder,
    ImageMetadata metadata,
    int width,
    int height,
    UnaryOperator<Pixels> pendingColour) {

  /** An image decoded at its own size. */
  public Decoded(Pixels pixels, String format, String decoder, ImageMetadata metadata) {
    this(pixels, format, decoder, metadata, pixels.width(), pixels.height(), null);
  }

  /** Whether the pixels are smaller than the image: decoded at a fraction of its size. */
  public boolean shrunk() {
    return pixels.width() != width || pixels.height() != height;
  }
}
