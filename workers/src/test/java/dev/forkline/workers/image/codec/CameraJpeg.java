package dev.forkline.workers.image.codec;

import dev.forkline.workers.image.Pixels;
import dev.forkline.workers.image.TransformKernel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.commons.imaging.common.RationalNumber;
import org.apache.commons.imaging.formats.jpeg.exif.ExifRewriter;
import org.apache.commons.imaging.formats.tiff.JpegImageData;
import org.apache.commons.imaging.formats.tiff.constants.DcfTagConstants;
import org.apache.commons.imaging.formats.tiff.constants.ExifTagConstants;
import org.apache.commons.imaging.formats.tiff.constants.GpsTagConstants;
import org.apache.commons.imaging.formats.tiff.constants.TiffDirectoryConstants;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputDirectory;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;

/**
 * Photo-like JPEGs with the EXIF a camera writes, made with Commons Imaging's writer: the input of
 * {@link ExifBenchmark} and of the EXIF tests. Stateless.
 */
final class CameraJpeg {
  private CameraJpeg() {}

  /**
   * {@code pixels} as a JPEG of {@code quality} with the EXIF a camera writes ({@link
   * #cameraExif}), made with Commons Imaging's writer: the tests' input too.
   */
  static byte[] of(Pixels pixels, int quality, int orientation) throws Exception {
    return of(pixels, quality, cameraExif(pixels, orientation));
  }

  /** {@code pixels} as a JPEG of {@code quality} with {@code exif} in its APP1 segment. */
  static byte[] of(Pixels pixels, int quality, TiffOutputSet exif) throws Exception {
    byte[] jpeg = ImageCodec.encode(pixels, "jpeg", quality, null);
    ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + 16384);
    new ExifRewriter().updateExifMetadataLossless(jpeg, out, exif);
    return out.toByteArray();
  }

  static final String MAKE = "Canon";
  static final String MODEL = "Canon EOS R5";
  static final String TAKEN = "2024:05:01 12:30:00";

  /** 33° 51' 31.56" S, 151° 12' 40.68" E. */
  static final double LATITUDE = -(33 + 51 / 60.0 + 31.56 / 3600);

  static final double LONGITUDE = 151 + 12 / 60.0 + 40.68 / 3600;

  /**
   * A camera's EXIF for {@code pixels}, little-endian like Canon's: IFD0 (Make, Model, Orientation,
   * resolution, software, date), Exif (exposure, dates, a 3 KB MakerNote, the pixel dimensions),
   * Interoperability, GPS (position, altitude, time) and IFD1 with a 160x120 JPEG thumbnail.
   */
  static TiffOutputSet cameraExif(Pixels pixels, int orientation) throws Exception {
    ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    TiffOutputSet set = new TiffOutputSet(order);
    TiffOutputDirectory root = set.getOrCreateRootDirectory();
    root.add(TiffTagConstants.TIFF_TAG_MAKE, MAKE);
    root.add(TiffTagConstants.TIFF_TAG_MODEL, MODEL);
    root.add(TiffTagConstants.TIFF_TAG_ORIENTATION, (short) orientation);
    root.add(TiffTagConstants.TIFF_TAG_XRESOLUTION, new RationalNumber(72, 1));
    root.add(TiffTagConstants.TIFF_TAG_YRESOLUTION, new RationalNumber(72, 1));
    root.add(TiffTagConstants.TIFF_TAG_RESOLUTION_UNIT, (short) 2);
    root.add(TiffTagConstants.TIFF_TAG_SOFTWARE, "Firmware Version 1.8.1");
    root.add(TiffTagConstants.TIFF_TAG_DATE_TIME, TAKEN);
    root.add(TiffTagConstants.TIFF_TAG_ARTIST, "A. Photographer");
    root.add(TiffTagConstants.TIFF_TAG_YCBCR_POSITIONING, (short) 2);
    TiffOutputDirectory exif = set.getOrCreateExifDirectory();
    exif.add(ExifTagConstants.EXIF_TAG_EXPOSURE_TIME, new RationalNumber(1, 250));
    exif.add(ExifTagConstants.EXIF_TAG_FNUMBER, new RationalNumber(28, 10));
    exif.add(ExifTagConstants.EXIF_TAG_EXPOSURE_PROGRAM, (short) 3);
    exif.add(ExifTagConstants.EXIF_TAG_ISO, (short) 400);
    exif.add(ExifTagConstants.EXIF_TAG_EXIF_VERSION, "0231".getBytes(StandardCharsets.US_ASCII));
    exif.add(ExifTagConstants.EXIF_TAG_DATE_TIME_ORIGINAL, TAKEN);
    exif.add(ExifTagConstants.EXIF_TAG_DATE_TIME_DIGITIZED, TAKEN);
    exif.add(ExifTagConstants.EXIF_TAG_COMPONENTS_CONFIGURATION, new byte[] {1, 2, 3, 0});
    exif.add(ExifTagConstants.EXIF_TAG_SHUTTER_SPEED_VALUE, new RationalNumber(8, 1));
    exif.add(ExifTagConstants.EXIF_TAG_APERTURE_VALUE, new RationalNumber(3, 1));
    exif.add(ExifTagConstants.EXIF_TAG_EXPOSURE_COMPENSATION, new RationalNumber(0, 1));
    exif.add(ExifTagConstants.EXIF_TAG_METERING_MODE, (short) 5);
    exif.add(ExifTagConstants.EXIF_TAG_FLASH, (short) 16);
    exif.add(ExifTagConstants.EXIF_TAG_FOCAL_LENGTH, new RationalNumber(50, 1));
    exif.add(ExifTagConstants.EXIF_TAG_MAKER_NOTE, new byte[3072]); // an empty Canon-style IFD
    exif.add(ExifTagConstants.EXIF_TAG_SUB_SEC_TIME_ORIGINAL, "42");
    exif.add(
        ExifTagConstants.EXIF_TAG_FLASHPIX_VERSION, "0100".getBytes(StandardCharsets.US_ASCII));
    exif.add(DcfTagConstants.EXIF_TAG_COLOR_SPACE, (short) 1);
    exif.add(ExifTagConstants.EXIF_TAG_EXIF_IMAGE_WIDTH, (short) pixels.width());
    exif.add(ExifTagConstants.EXIF_TAG_EXIF_IMAGE_LENGTH, (short) pixels.height());
    exif.add(ExifTagConstants.EXIF_TAG_EXPOSURE_MODE, (short) 0);
    exif.add(ExifTagConstants.EXIF_TAG_WHITE_BALANCE_1, (short) 0);
    exif.add(ExifTagConstants.EXIF_TAG_SCENE_CAPTURE_TYPE, (short) 0);
    exif.add(ExifTagConstants.EXIF_TAG_BODY_SERIAL_NUMBER, "032021001234");
    exif.add(ExifTagConstants.EXIF_TAG_LENS_MODEL, "RF50mm F1.8 STM");
    TiffOutputDirectory interop = set.addInteroperabilityDirectory();
    interop.add(ExifTagConstants.EXIF_TAG_INTEROPERABILITY_INDEX, "R98");
    set.setGpsInDegrees(LONGITUDE, LATITUDE);
    TiffOutputDirectory gps = set.getGpsDirectory();
    gps.add(GpsTagConstants.GPS_TAG_GPS_ALTITUDE_REF, (byte) 0);
    gps.add(GpsTagConstants.GPS_TAG_GPS_ALTITUDE, new RationalNumber(5800, 100));
    gps.add(
        GpsTagConstants.GPS_TAG_GPS_TIME_STAMP,
        new RationalNumber(2, 1),
        new RationalNumber(30, 1),
        new RationalNumber(0, 1));
    gps.add(GpsTagConstants.GPS_TAG_GPS_DATE_STAMP, "2024:05:01");
    TiffOutputDirectory ifd1 =
        new TiffOutputDirectory(TiffDirectoryConstants.DIRECTORY_TYPE_DIR_1, order);
    ifd1.add(TiffTagConstants.TIFF_TAG_COMPRESSION, (short) 6);
    ifd1.add(TiffTagConstants.TIFF_TAG_XRESOLUTION, new RationalNumber(72, 1));
    ifd1.add(TiffTagConstants.TIFF_TAG_YRESOLUTION, new RationalNumber(72, 1));
    ifd1.add(TiffTagConstants.TIFF_TAG_RESOLUTION_UNIT, (short) 2);
    byte[] thumbnail = ImageCodec.encode(nearest(pixels, 160, 120), "jpeg", 80, null);
    ifd1.setJpegImageData(new JpegImageData(0, thumbnail.length, thumbnail));
    set.addDirectory(ifd1);
    return set;
  }

  /** Gradients, a sine wave and noise: compresses like a photo, not like flat colour. */
  static Pixels photoLike(int w, int h) {
    return TransformKernel.photoLike(w, h);
  }

  /** {@code pixels} scaled to {@code w} x {@code h} by nearest neighbour (for a thumbnail). */
  private static Pixels nearest(Pixels pixels, int w, int h) {
    int[] argb = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        argb[y * w + x] =
            pixels
                .argb()[
                (int) ((long) y * pixels.height() / h) * pixels.width()
                    + (int) ((long) x * pixels.width() / w)];
      }
    }
    return new Pixels(w, h, argb, false);
  }
}
