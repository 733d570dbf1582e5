package dev.forkline.workers.image.codec;

import dev.forkline.workers.image.Pixels;

/**
 * A decoded image with what produced it.
 *
 * @param pixels the pixels, orientation not applied (see {@link ImageMetadata#orientation()})
 * @param format the container format: jpeg, png, gif, bmp, tiff, webp, ico, pnm, pcx or psd
 * @param decoder the library that decoded it: {@code libjpeg-turbo}, {@code imageio}, {@code
 *     imageio-twelvemonkeys} or {@code commons-imaging}
 * @param metadata EXIF facts; {@link ImageMetadata#NONE} when the image has none
 */
public record Decoded(Pixels pixels, String format, String decoder, ImageMetadata metadata) {}
