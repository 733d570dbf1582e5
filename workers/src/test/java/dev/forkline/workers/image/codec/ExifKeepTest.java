package dev.forkline.workers.image.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.drew.imaging.ImageMetadataReader;
import com.drew.lang.GeoLocation;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifInteropDirectory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.exif.ExifThumbnailDirectory;
import com.drew.metadata.exif.GpsDirectory;
import com.drew.metadata.exif.makernotes.CanonMakernoteDirectory;
import dev.forkline.workers.image.MetadataPolicy;
import dev.forkline.workers.image.Pixels;
import dev.forkline.workers.image.TransformKernel;
import dev.forkline.workers.image.TransformReply;
import dev.forkline.workers.image.TransformRequest;
import java.io.ByteArrayInputStream;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code metadata: keep} and {@code keep-no-gps} write, through the transform kernel, for a
 * camera-like JPEG ({@link CameraJpeg}: 64x48 stored, Orientation 6, a thumbnail, a MakerNote,
 * GPS), read back with metadata-extractor, a reader independent of the Commons Imaging code that
 * writes it.
 */
class ExifKeepTest {
  private static final TransformKernel KERNEL = new TransformKernel();
  private static final Pixels STORED = CameraJpeg.photoLike(64, 48);
  private static byte[] camera;

  @BeforeAll
  static void makeInput() throws Exception {
    camera = CameraJpeg.of(STORED, 90, 6);
    Metadata in = read(camera);
    assertNotNull(
        in.getFirstDirectoryOfType(ExifThumbnailDirectory.class), "input has a thumbnail");
    assertNotNull(in.getFirstDirectoryOfType(GpsDirectory.class), "input has GPS");
    assertTrue(hasMakerNote(in), "input has a MakerNote");
  }

  private static TransformReply run(
      byte[] input, boolean autoOrient, List<String> filters, String format, MetadataPolicy p)
      throws Exception {
    TransformReply r =
        TransformReply.decode(
            KERNEL.apply(
                new TransformRequest(1L << 24, autoOrient, filters, format, 85, p).encode(input)));
    assertTrue(r.ok(), r.failureMessage());
    return r;
  }

  private static Metadata keep(String format) throws Exception {
    return read(run(camera, true, List.of(), format, MetadataPolicy.KEEP).data());
  }

  private static Metadata read(byte[] image) throws Exception {
    return ImageMetadataReader.readMetadata(new ByteArrayInputStream(image));
  }

  @ParameterizedTest
  @ValueSource(strings = {"jpeg", "png"})
  void keepWritesNoThumbnail(String format) throws Exception {
    Metadata out = keep(format);
    assertNotNull(out.getFirstDirectoryOfType(ExifIFD0Directory.class), "EXIF is kept");
    assertNull(out.getFirstDirectoryOfType(ExifThumbnailDirectory.class));
  }

  @ParameterizedTest
  @ValueSource(strings = {"jpeg", "png"})
  void keepWritesTheOutputsOwnPixelSize(String format) throws Exception {
    TransformReply r = run(camera, true, List.of("resize width=30"), format, MetadataPolicy.KEEP);
    ExifSubIFDDirectory exif = read(r.data()).getFirstDirectoryOfType(ExifSubIFDDirectory.class);
    assertEquals(30, r.widthOut());
    assertEquals(40, r.heightOut(), "48x64 upright, resized to 30 wide");
    assertEquals(30, exif.getInt(ExifSubIFDDirectory.TAG_EXIF_IMAGE_WIDTH));
    assertEquals(40, exif.getInt(ExifSubIFDDirectory.TAG_EXIF_IMAGE_HEIGHT));
    Pixels decoded = ImageCodec.decode(r.data(), 1L << 24).pixels();
    assertEquals(30, decoded.width());
    assertEquals(40, decoded.height());
  }

  @Test
  void keepRewritesIfd0ImageWidthAndLengthWhereTheInputHadThem() throws Exception {
    TiffOutputSet exif = CameraJpeg.cameraExif(STORED, 1);
    exif.getRootDirectory().add(TiffTagConstants.TIFF_TAG_IMAGE_WIDTH, STORED.width());
    exif.getRootDirectory().add(TiffTagConstants.TIFF_TAG_IMAGE_LENGTH, STORED.height());
    byte[] input = CameraJpeg.of(STORED, 90, exif);
    TransformReply r =
        run(input, true, List.of("crop x=0 y=0 width=20 height=10"), "jpeg", MetadataPolicy.KEEP);
    ExifIFD0Directory ifd0 = read(r.data()).getFirstDirectoryOfType(ExifIFD0Directory.class);
    assertEquals(20, ifd0.getInt(ExifIFD0Directory.TAG_IMAGE_WIDTH));
    assertEquals(10, ifd0.getInt(ExifIFD0Directory.TAG_IMAGE_HEIGHT));
  }

  @Test
  void keepAfterAutoOrientOfOrientation6WritesOrientation1() throws Exception {
    TransformReply r = run(camera, true, List.of(), "jpeg", MetadataPolicy.KEEP);
    assertEquals(48, r.widthOut(), "turned upright");
    ExifIFD0Directory ifd0 = read(r.data()).getFirstDirectoryOfType(ExifIFD0Directory.class);
    assertEquals(1, ifd0.getInt(ExifIFD0Directory.TAG_ORIENTATION));
  }

  @Test
  void keepWithAutoOrientOffKeepsOrientation6() throws Exception {
    TransformReply r = run(camera, false, List.of(), "jpeg", MetadataPolicy.KEEP);
    assertEquals(64, r.widthOut(), "pixels as stored");
    ExifIFD0Directory ifd0 = read(r.data()).getFirstDirectoryOfType(ExifIFD0Directory.class);
    assertEquals(6, ifd0.getInt(ExifIFD0Directory.TAG_ORIENTATION));
  }

  @Test
  void keepWritesNoOrientationForAnInvalidOneAndKeepsTheRest() throws Exception {
    byte[] block = ExifBlocks.block(ByteOrder.LITTLE_ENDIAN, 6);
    ExifBlocks.putInt(block, ByteOrder.LITTLE_ENDIAN, ExifBlocks.ORIENTATION_AT + 4, 0);
    byte[] input = ExifBlocks.jpegWithApp1(ImageCodec.encode(STORED, "jpeg", 90, null), block);
    TransformReply r = run(input, false, List.of(), "jpeg", MetadataPolicy.KEEP);
    ExifIFD0Directory ifd0 = read(r.data()).getFirstDirectoryOfType(ExifIFD0Directory.class);
    assertFalse(ifd0.containsTag(ExifIFD0Directory.TAG_ORIENTATION));
    assertEquals(ExifBlocks.MODEL, ifd0.getString(ExifIFD0Directory.TAG_MODEL));
  }

  @Test
  void keepCopiesTheGpsPosition() throws Exception {
    GeoLocation at = keep("jpeg").getFirstDirectoryOfType(GpsDirectory.class).getGeoLocation();
    assertEquals(CameraJpeg.LATITUDE, at.getLatitude(), 1e-9);
    assertEquals(CameraJpeg.LONGITUDE, at.getLongitude(), 1e-9);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jpeg", "png"})
  void keepNoGpsDropsTheGpsDirectoryAndKeepsTheOtherTags(String format) throws Exception {
    Metadata out = read(run(camera, true, List.of(), format, MetadataPolicy.KEEP_NO_GPS).data());
    assertNull(out.getFirstDirectoryOfType(GpsDirectory.class));
    ExifIFD0Directory ifd0 = out.getFirstDirectoryOfType(ExifIFD0Directory.class);
    assertFalse(ifd0.containsTag(ExifIFD0Directory.TAG_GPS_INFO_OFFSET));
    assertEquals(CameraJpeg.MAKE, ifd0.getString(ExifIFD0Directory.TAG_MAKE));
    assertEquals(CameraJpeg.MODEL, ifd0.getString(ExifIFD0Directory.TAG_MODEL));
    ExifSubIFDDirectory exif = out.getFirstDirectoryOfType(ExifSubIFDDirectory.class);
    assertEquals(CameraJpeg.TAKEN, exif.getString(ExifSubIFDDirectory.TAG_DATETIME_ORIGINAL));
    assertEquals(400, exif.getInt(ExifSubIFDDirectory.TAG_ISO_EQUIVALENT));
    assertNotNull(out.getFirstDirectoryOfType(ExifInteropDirectory.class));
  }

  @Test
  void keepDropsTheMakerNote() throws Exception {
    assertFalse(hasMakerNote(keep("jpeg")));
  }

  /** metadata-extractor decodes a Canon MakerNote into a directory of its own. */
  private static boolean hasMakerNote(Metadata m) {
    boolean decoded = m.getFirstDirectoryOfType(CanonMakernoteDirectory.class) != null;
    ExifSubIFDDirectory exif = m.getFirstDirectoryOfType(ExifSubIFDDirectory.class);
    return decoded || exif.containsTag(ExifSubIFDDirectory.TAG_MAKERNOTE);
  }

  @Test
  void keepOfAnInputWithoutExifWritesNone() throws Exception {
    byte[] plain = ImageCodec.encode(STORED, "jpeg", 90, null);
    Metadata out = read(run(plain, true, List.of(), "jpeg", MetadataPolicy.KEEP).data());
    assertNull(out.getFirstDirectoryOfType(ExifIFD0Directory.class));
  }

  @Test
  void theKeptExifReadsCleanly() throws Exception {
    for (Directory d : keep("jpeg").getDirectories()) {
      assertFalse(d.hasErrors(), d.getName() + ": " + d.getErrors());
    }
  }
}
