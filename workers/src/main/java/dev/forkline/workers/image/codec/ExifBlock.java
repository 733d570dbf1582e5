package dev.forkline.workers.image.codec;

import dev.forkline.workers.image.Pixels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.commons.imaging.FormatCompliance;
import org.apache.commons.imaging.ImagingException;
import org.apache.commons.imaging.bytesource.ByteSource;
import org.apache.commons.imaging.common.RationalNumber;
import org.apache.commons.imaging.formats.jpeg.JpegConstants;
import org.apache.commons.imaging.formats.jpeg.JpegImageParser;
import org.apache.commons.imaging.formats.jpeg.segments.AbstractGenericSegment;
import org.apache.commons.imaging.formats.jpeg.segments.AbstractSegment;
import org.apache.commons.imaging.formats.png.PngImageParser;
import org.apache.commons.imaging.formats.tiff.TiffDirectory;
import org.apache.commons.imaging.formats.tiff.TiffField;
import org.apache.commons.imaging.formats.tiff.TiffHeader;
import org.apache.commons.imaging.formats.tiff.TiffReader;
import org.apache.commons.imaging.formats.tiff.constants.ExifTagConstants;
import org.apache.commons.imaging.formats.tiff.constants.GpsTagConstants;
import org.apache.commons.imaging.formats.tiff.constants.TiffDirectoryConstants;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.apache.commons.imaging.formats.tiff.fieldtypes.AbstractFieldType;
import org.apache.commons.imaging.formats.tiff.taginfos.TagInfo;
import org.apache.commons.imaging.formats.tiff.write.TiffImageWriterLossy;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputDirectory;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputField;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;

/**
 * A TIFF-structured EXIF block as Commons Imaging's {@link TiffReader} reads it: IFD0 with its
 * Exif, GPS and Interoperability directories. IFD1 (the embedded thumbnail) and later IFDs are not
 * read. What the reader could read before a broken part is kept, so a bad sub-directory or field
 * loses only itself.
 *
 * <p>Immutable and thread-safe.
 */
public final class ExifBlock {
  private static final int ROOT = TiffDirectoryConstants.DIRECTORY_TYPE_ROOT;
  private static final int EXIF = TiffDirectoryConstants.DIRECTORY_TYPE_EXIF;
  private static final int GPS = TiffDirectoryConstants.DIRECTORY_TYPE_GPS;

  /** What precedes the TIFF block in a JPEG APP1 segment (and, from some writers, elsewhere). */
  private static final byte[] EXIF_HEADER = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);

  /** SubIFDs (a TIFF extension): offsets of further images; Commons Imaging has no constant. */
  private static final int SUB_IFDS = 0x014A;

  /**
   * Tags {@link #forOutput} leaves out: pointers to data of the original (its image data and
   * thumbnail, which would dangle or show what a filter removed), the vendor MakerNote (its offsets
   * do not survive a move, and it can hold a preview of the original), and those it writes anew.
   */
  private static final Set<Integer> LEFT_OUT =
      Set.of(
          TiffTagConstants.TIFF_TAG_STRIP_OFFSETS.tag,
          TiffTagConstants.TIFF_TAG_STRIP_BYTE_COUNTS.tag,
          TiffTagConstants.TIFF_TAG_TILE_OFFSETS.tag,
          TiffTagConstants.TIFF_TAG_TILE_BYTE_COUNTS.tag,
          TiffTagConstants.TIFF_TAG_JPEG_INTERCHANGE_FORMAT.tag,
          TiffTagConstants.TIFF_TAG_JPEG_INTERCHANGE_FORMAT_LENGTH.tag,
          SUB_IFDS,
          ExifTagConstants.EXIF_TAG_MAKER_NOTE.tag,
          TiffTagConstants.TIFF_TAG_ORIENTATION.tag,
          TiffTagConstants.TIFF_TAG_IMAGE_WIDTH.tag,
          TiffTagConstants.TIFF_TAG_IMAGE_LENGTH.tag,
          ExifTagConstants.EXIF_TAG_EXIF_IMAGE_WIDTH.tag,
          ExifTagConstants.EXIF_TAG_EXIF_IMAGE_LENGTH.tag);

  private final ByteOrder order;
  private final List<TiffDirectory> directories;

  private ExifBlock(ByteOrder order, List<TiffDirectory> directories) {
    this.order = order;
    this.directories = List.copyOf(directories);
  }

  /**
   * The raw TIFF-structured EXIF block of {@code data} in {@code format}, or null: the first APP1
   * {@code Exif} segment of a JPEG and the {@code eXIf} chunk of a PNG through Commons Imaging's
   * parsers; the {@code EXIF} chunk of a WebP by walking its RIFF chunks, since Commons Imaging
   * parses that chunk only as a bare TIFF block and many writers put JPEG's {@code Exif\0\0} before
   * it. Never throws.
   */
  static byte[] find(byte[] data, String format) {
    try {
      byte[] raw =
          switch (format) {
            case "jpeg" -> fromJpeg(data);
            case "png" -> new PngImageParser().getExifRawData(ByteSource.array(data));
            case "webp" -> fromWebp(data);
            default -> null;
          };
      if (raw != null && startsWith(raw, 0, EXIF_HEADER)) { // some PNG and WebP writers
        raw = Arrays.copyOfRange(raw, EXIF_HEADER.length, raw.length);
      }
      return raw;
    } catch (IOException | RuntimeException malformed) {
      return null;
    }
  }

  private static byte[] fromJpeg(byte[] data) throws IOException {
    int[] app1 = {JpegConstants.JPEG_APP1_MARKER};
    for (AbstractSegment s :
        new JpegImageParser().readSegments(ByteSource.array(data), app1, false)) {
      if (s instanceof AbstractGenericSegment g && JpegImageParser.isExifApp1Segment(g)) {
        byte[] segment = g.getSegmentData();
        return Arrays.copyOfRange(
            segment, Math.min(EXIF_HEADER.length, segment.length), segment.length);
      }
    }
    return null;
  }

  /** The payload of a WebP's first {@code EXIF} chunk, or null. */
  private static byte[] fromWebp(byte[] b) {
    ByteBuffer riff = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int i = 12; // "RIFF", size, "WEBP"
    while (i + 8 <= b.length) {
      long size = riff.getInt(i + 4) & 0xFFFFFFFFL;
      if (size > b.length - i - 8) {
        return null;
      }
      if (b[i] == 'E' && b[i + 1] == 'X' && b[i + 2] == 'I' && b[i + 3] == 'F') {
        return Arrays.copyOfRange(b, i + 8, i + 8 + (int) size);
      }
      i += 8 + (int) size + (int) (size & 1);
    }
    return null;
  }

  private static boolean startsWith(byte[] b, int at, byte[] prefix) {
    return at + prefix.length <= b.length
        && Arrays.equals(b, at, at + prefix.length, prefix, 0, prefix.length);
  }

  /** The block read from {@code tiff}, or null if not even its IFD0 can be read. */
  public static ExifBlock read(byte[] tiff) {
    if (tiff == null) {
      return null;
    }
    Collector collector = new Collector();
    try {
      new TiffReader(false).read(ByteSource.array(tiff), FormatCompliance.getDefault(), collector);
    } catch (IOException | RuntimeException broken) {
      // keep the directories read before the broken one
    }
    if (collector.header == null || find(collector.directories, ROOT) == null) {
      return null;
    }
    return new ExifBlock(collector.header.byteOrder, collector.directories);
  }

  /** Collects the header and the IFD0 tree, and stops before IFD1. */
  private static final class Collector implements TiffReader.Listener {
    TiffHeader header;
    final List<TiffDirectory> directories = new ArrayList<>();

    @Override
    public boolean setTiffHeader(TiffHeader header) {
      this.header = header;
      return true;
    }

    @Override
    public boolean addDirectory(TiffDirectory directory) {
      if (directory.type > ROOT || find(directories, directory.type) != null) {
        return false;
      }
      directories.add(directory);
      return true;
    }

    @Override
    public boolean addField(TiffField field) {
      return true;
    }

    @Override
    public boolean readImageData() {
      return false;
    }

    @Override
    public boolean readOffsetDirectories() {
      return true;
    }
  }

  /**
   * The facts the pipeline reports.
   *
   * @param keep whether the result carries this block for {@code keep}
   */
  ImageMetadata metadata(boolean keep) {
    TiffDirectory root = find(directories, ROOT);
    TiffDirectory exif = find(directories, EXIF);
    double[] position = position(find(directories, GPS));
    return new ImageMetadata(
        orientation(root),
        ascii(root, TiffTagConstants.TIFF_TAG_MAKE),
        ascii(root, TiffTagConstants.TIFF_TAG_MODEL),
        ascii(exif, ExifTagConstants.EXIF_TAG_DATE_TIME_ORIGINAL),
        position == null ? null : position[0],
        position == null ? null : position[1],
        keep ? this : null);
  }

  /** IFD0's Orientation, 1..8; 0 when absent or not one SHORT/LONG value in that range. */
  static int orientation(TiffDirectory root) {
    TiffField f = field(root, TiffTagConstants.TIFF_TAG_ORIENTATION);
    if (f == null
        || f.getCount() != 1
        || (f.getFieldType() != AbstractFieldType.SHORT
            && f.getFieldType() != AbstractFieldType.LONG)) {
      return 0;
    }
    try {
      int v = f.getIntValue();
      return v >= 1 && v <= 8 ? v : 0;
    } catch (ImagingException | RuntimeException e) {
      return 0;
    }
  }

  private static String ascii(TiffDirectory dir, TagInfo tag) {
    TiffField f = field(dir, tag);
    if (f == null || f.getFieldType() != AbstractFieldType.ASCII) {
      return null;
    }
    try {
      Object v = f.getValue();
      String s = v instanceof String[] parts ? (parts.length > 0 ? parts[0] : null) : (String) v;
      s = s == null ? null : s.trim();
      return s == null || s.isEmpty() ? null : s;
    } catch (ImagingException | RuntimeException e) {
      return null;
    }
  }

  /** Latitude and longitude in signed decimal degrees, or null unless both are readable. */
  private static double[] position(TiffDirectory gps) {
    Double lat =
        degrees(
            field(gps, GpsTagConstants.GPS_TAG_GPS_LATITUDE),
            ascii(gps, GpsTagConstants.GPS_TAG_GPS_LATITUDE_REF),
            'N',
            'S',
            90);
    Double lon =
        degrees(
            field(gps, GpsTagConstants.GPS_TAG_GPS_LONGITUDE),
            ascii(gps, GpsTagConstants.GPS_TAG_GPS_LONGITUDE_REF),
            'E',
            'W',
            180);
    return lat == null || lon == null ? null : new double[] {lat, lon};
  }

  /**
   * Degrees, minutes and seconds (up to three RATIONALs), negative for the {@code negative}
   * reference. A minutes or seconds value of 0/0 (written by some cameras for "none") counts as 0;
   * any other zero denominator, or 0/0 degrees, makes the value unreadable.
   */
  static Double degrees(TiffField f, String ref, char positive, char negative, double limit) {
    if (f == null || ref == null || f.getFieldType() != AbstractFieldType.RATIONAL) {
      return null;
    }
    RationalNumber[] parts;
    try {
      Object v = f.getValue();
      parts = v instanceof RationalNumber r ? new RationalNumber[] {r} : (RationalNumber[]) v;
    } catch (ImagingException | RuntimeException e) {
      return null;
    }
    if (parts.length == 0) {
      return null;
    }
    double value = 0;
    double scale = 1;
    for (int i = 0; i < Math.min(3, parts.length); i++, scale *= 60) {
      RationalNumber r = parts[i];
      if (r.divisor == 0) {
        if (r.numerator == 0 && i > 0) {
          continue;
        }
        return null;
      }
      value += (double) r.numerator / r.divisor / scale;
    }
    char c = Character.toUpperCase(ref.charAt(0));
    if (c == negative) {
      value = -value;
    } else if (c != positive) {
      return null;
    }
    return Math.abs(value) <= limit ? value : null;
  }

  /**
   * The EXIF to write into {@code output}, made from this block:
   *
   * <ul>
   *   <li>IFD0, Exif, Interoperability and (with {@code withGps}) GPS tags, copied as read
   *       (GPSVersionID written as 2.3.0.0: Commons Imaging's reader skips tag 0);
   *   <li>no thumbnail (IFD1), no MakerNote, no pointers to the original's image data;
   *   <li>Orientation 1 if {@code turned} (the pixels were turned upright), else the original
   *       value; dropped if the original was not a valid one;
   *   <li>PixelXDimension and PixelYDimension set to the output's size, and IFD0's ImageWidth and
   *       ImageLength too where the original had them.
   * </ul>
   *
   * @return the set, or null (no EXIF written) if Commons Imaging refuses to build it
   */
  public TiffOutputSet forOutput(Pixels output, boolean turned, boolean withGps) {
    try {
      return edited(output, turned, withGps);
    } catch (ImagingException | RuntimeException e) {
      return null;
    }
  }

  private TiffOutputSet edited(Pixels output, boolean turned, boolean withGps)
      throws ImagingException {
    TiffOutputSet set = new TiffOutputSet(order);
    for (TiffDirectory dir : directories) {
      if (dir.type == GPS && !withGps) {
        continue;
      }
      TiffOutputDirectory out = new TiffOutputDirectory(dir.type, order);
      for (TiffField f : dir.getDirectoryEntries()) {
        TagInfo info = f.getTagInfo();
        if (LEFT_OUT.contains(f.getTag())
            || (info != null && info.isOffset())
            || out.findField(f.getTag()) != null) {
          continue;
        }
        out.add(
            new TiffOutputField(
                f.getTag(), info, f.getFieldType(), (int) f.getCount(), f.getByteArrayValue()));
      }
      set.addDirectory(out);
    }
    TiffDirectory root = find(directories, ROOT);
    TiffOutputDirectory outRoot = set.getOrCreateRootDirectory();
    int orientation = turned ? 1 : orientation(root);
    if (orientation != 0) {
      outRoot.add(TiffTagConstants.TIFF_TAG_ORIENTATION, (short) orientation);
    }
    if (field(root, TiffTagConstants.TIFF_TAG_IMAGE_WIDTH) != null) {
      outRoot.add(longField(TiffTagConstants.TIFF_TAG_IMAGE_WIDTH, output.width()));
    }
    if (field(root, TiffTagConstants.TIFF_TAG_IMAGE_LENGTH) != null) {
      outRoot.add(longField(TiffTagConstants.TIFF_TAG_IMAGE_LENGTH, output.height()));
    }
    TiffOutputDirectory outGps = set.getGpsDirectory();
    if (outGps != null && outGps.findField(GpsTagConstants.GPS_TAG_GPS_VERSION_ID) == null) {
      // Mandatory in a GPS directory; TiffReader skips tag 0, so the original value is not known.
      outGps.add(GpsTagConstants.GPS_TAG_GPS_VERSION_ID, (byte) 2, (byte) 3, (byte) 0, (byte) 0);
    }
    TiffOutputDirectory outExif = set.getOrCreateExifDirectory();
    outExif.add(longField(ExifTagConstants.EXIF_TAG_EXIF_IMAGE_WIDTH, output.width()));
    outExif.add(longField(ExifTagConstants.EXIF_TAG_EXIF_IMAGE_LENGTH, output.height()));
    return set;
  }

  /** {@code set} as a TIFF-structured block, as it goes into a JPEG APP1 or PNG eXIf. */
  static byte[] bytes(TiffOutputSet set) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    new TiffImageWriterLossy(set.byteOrder).write(out, set);
    return out.toByteArray();
  }

  /** A one-value LONG field (the spec allows SHORT or LONG for these sizes). */
  private TiffOutputField longField(TagInfo tag, int value) throws ImagingException {
    return new TiffOutputField(
        tag, AbstractFieldType.LONG, 1, AbstractFieldType.LONG.writeData(new int[] {value}, order));
  }

  private static TiffField field(TiffDirectory dir, TagInfo tag) {
    if (dir == null) {
      return null;
    }
    for (TiffField f : dir.getDirectoryEntries()) {
      if (f.getTag() == tag.tag) {
        return f;
      }
    }
    return null;
  }

  private static TiffDirectory find(List<TiffDirectory> directories, int type) {
    for (TiffDirectory d : directories) {
      if (d.type == type) {
        return d;
      }
    }
    return null;
  }
}
