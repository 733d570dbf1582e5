package dev.forkline.workers.image.codec;

/**
 * The EXIF facts the pipeline reports or keeps, read from an image's EXIF block (JPEG APP1, PNG
 * {@code eXIf}, WebP {@code EXIF}, or a TIFF file's own first IFD).
 *
 * <p>A missing EXIF block, or one whose IFD0 cannot be read, gives {@link #NONE}; a broken part of
 * a block loses only that part. Neither fails a decode.
 *
 * @param orientation EXIF Orientation, 1..8; 1 when absent, out of range or not one SHORT/LONG
 * @param make camera maker (tag 0x010F), or null
 * @param model camera model (tag 0x0110), or null
 * @param dateTimeOriginal DateTimeOriginal (tag 0x9003) as stored, e.g. {@code 2024:05:01
 *     12:30:00}, or null
 * @param latitude GPS latitude in signed decimal degrees (south negative), or null; a minutes or
 *     seconds component of 0/0 counts as 0 (see {@link ExifBlock#degrees})
 * @param longitude GPS longitude in signed decimal degrees (west negative), or null
 * @param exif the EXIF block as read, for {@code keep}; null when absent, unreadable, or the image
 *     is itself a TIFF
 */
public record ImageMetadata(
    int orientation,
    String make,
    String model,
    String dateTimeOriginal,
    Double latitude,
    Double longitude,
    ExifBlock exif) {

  /** No metadata: orientation 1, everything else null. */
  public static final ImageMetadata NONE = new ImageMetadata(1, null, null, null, null, null, null);

  public ImageMetadata {
    if (orientation < 1 || orientation > 8) {
      orientation = 1;
    }
  }

  /** True if a raw EXIF block is present to keep. */
  public boolean hasExif() {
    return exif != null;
  }
}
