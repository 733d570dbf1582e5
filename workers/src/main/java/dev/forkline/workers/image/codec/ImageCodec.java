package dev.forkline.workers.image.codec;

import dev.forkline.workers.image.ImageException;
import dev.forkline.workers.image.ImageException.Kind;
import dev.forkline.workers.image.ImageFormats;
import dev.forkline.workers.image.ImageProbe;
import dev.forkline.workers.image.Pixels;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.commons.imaging.AbstractImageParser;
import org.apache.commons.imaging.bytesource.ByteSource;
import org.apache.commons.imaging.formats.ico.IcoImageParser;
import org.apache.commons.imaging.formats.jpeg.exif.ExifRewriter;
import org.apache.commons.imaging.formats.pcx.PcxImageParser;
import org.apache.commons.imaging.formats.pnm.PnmImageParser;
import org.apache.commons.imaging.formats.psd.PsdImageParser;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;

/**
 * Decodes image bytes to {@link Pixels} with their EXIF facts, and encodes {@link Pixels} to bytes.
 * Every decode checks the header's pixel count first, so a decompression bomb fails as {@code
 * TOO_LARGE} before a pixel is allocated.
 *
 * <p>Decoder per format, chosen by correctness then speed ({@code ImageCodecBenchmark}, test code;
 * the figures are in docs/performance.md):
 *
 * <ul>
 *   <li>JPEG: libjpeg-turbo ({@link NativeJpeg}, {@code libjpeg-turbo}) when the build made its JNI
 *       library and the JPEG has grey or YCbCr data: two to three times as fast as ImageIO, to
 *       within 1 per channel of its pixels; an embedded RGB ICC profile is applied after the decode
 *       as the TwelveMonkeys reader applies it ({@link JpegColour}). Otherwise ImageIO with
 *       TwelveMonkeys' reader first in line ({@code imageio-twelvemonkeys}): reads CMYK/YCCK and
 *       progressive JPEGs, and is faster than the JDK's reader and Commons Imaging (which has no
 *       progressive). A JPEG whose scan data ends early ("premature end of data segment", which
 *       ImageIO only warns about) is {@code CORRUPT}; one missing only its EOI marker is accepted.
 *   <li>PNG: ImageIO ({@code imageio}), faster than Commons Imaging. With a {@code gAMA} chunk of
 *       1/2.2 (the usual one), ImageIO returns the stored samples (0, 64, 128, 192, 255), as
 *       browsers show them on an sRGB display; Commons Imaging returns (0, 12, 56, 137, 255), far
 *       too dark. Both agree when gAMA is 1.0 or absent.
 *   <li>GIF (first frame), BMP, TIFF (first page): the JDK's ImageIO readers.
 *   <li>WebP: TwelveMonkeys' ImageIO reader (lossy, lossless, alpha).
 *   <li>ICO (the largest entry), PNM (PBM/PGM/PPM/PAM), PCX, PSD (the flattened image): Commons
 *       Imaging, for which ImageIO has no reader. Their sizes come from Commons Imaging's header
 *       parsers, and for ICO from our own reading of its directory and each entry's header.
 * </ul>
 *
 * <p>Encoding: a colour JPEG goes to libjpeg-turbo ({@link NativeJpeg}) when it is there. Else
 * ImageIO writes the JPEG from a BGR byte copy (an all-grey image from one channel), which spares
 * its per-pixel colour conversion; PNG with ImageIO's default deflate, faster than Commons
 * Imaging's writer.
 *
 * <p>Any exception a library throws on broken bytes becomes {@code CORRUPT} with its message.
 *
 * <p>Thread-safe: stateless; each call uses its own readers and writers.
 */
public final class ImageCodec {

  /** The formats {@link #encode} writes. */
  public static final Set<String> WRITABLE = Set.of("png", "jpeg", "bmp", "tiff", "gif");

  private static final Set<String> IMAGEIO_FORMATS =
      Set.of("jpeg", "png", "gif", "bmp", "tiff", "webp");
  private static final Set<String> COMMONS_FORMATS = Set.of("ico", "pnm", "pcx", "psd");

  private ImageCodec() {}

  // ---------------------------------------------------------------- decode

  /**
   * Decodes an image held in memory.
   *
   * @param data the file's bytes
   * @param maxPixels the largest width x height accepted (for ICO: the sum over its entries)
   * @throws ImageException {@code CORRUPT} (empty, truncated, broken), {@code UNSUPPORTED} (not a
   *     format listed above) or {@code TOO_LARGE} (above {@code maxPixels}, from the header)
   */
  public static Decoded decode(byte[] data, long maxPixels) throws ImageException {
    return decode(data, maxPixels, null);
  }

  /**
   * How much smaller than its size a JPEG may be decoded, for what comes next (a downscale): the
   * scale's denominator, 1, 2, 4 or 8, for an image of {@code width} x {@code height} with this
   * EXIF orientation.
   */
  @FunctionalInterface
  public interface ShrinkOnLoad {
    int denominator(int width, int height, int orientation);
  }

  /**
   * {@link #decode(byte[], long)}, a JPEG that libjpeg-turbo decodes at the fraction {@code shrink}
   * allows (null: full size); {@link Decoded#width()} and {@link Decoded#height()} keep the image's
   * own size, and a shrunk image's ICC conversion is left in {@link Decoded#pendingColour()}.
   */
  public static Decoded decode(byte[] data, long maxPixels, ShrinkOnLoad shrink)
      throws ImageException {
    Objects.requireNonNull(data, "data");
    if (data.length == 0) {
      throw new ImageException(Kind.CORRUPT, "empty file (0 bytes)");
    }
    String sniffed = ImageFormats.sniff(data);
    if (sniffed != null && COMMONS_FORMATS.contains(sniffed)) {
      return decodeWithCommons(data, sniffed, maxPixels);
    }
    ImageProbe.Info info = new ImageProbe(maxPixels).probe(data);
    if (!IMAGEIO_FORMATS.contains(info.format())) {
      throw new ImageException(
          Kind.UNSUPPORTED, "a " + info.format() + " image, which this version cannot decode");
    }
    if (info.format().equals("jpeg")) {
      ImageMetadata meta = metadata(data, "jpeg");
      int denom =
          shrink == null ? 1 : shrink.denominator(info.width(), info.height(), meta.orientation());
      NativeJpeg.Scaled scaled =
          NativeJpeg.decode(data, maxPixels, NativeJpeg.MAX_SCANS, denom, denom > 1);
      if (scaled != null) {
        JpegColour.Convert pending = scaled.pending();
        return new Decoded(
            scaled.pixels(),
            "jpeg",
            NativeJpeg.DECODER,
            meta,
            scaled.fullWidth(),
            scaled.fullHeight(),
            pending == null ? null : p -> JpegColour.toSrgb(p, pending));
      }
    }
    return decodeWithImageIo(
        info.format().equals("jpeg") ? JpegColour.withoutIrregularProfile(data) : data,
        info.format());
  }

  static Decoded decodeWithImageIo(byte[] data, String format) throws ImageException {
    BufferedImage image;
    String decoder;
    List<String> warnings = new ArrayList<>();
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageException(Kind.UNSUPPORTED, "no reader for " + format);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        decoder =
            reader.getClass().getName().startsWith("com.twelvemonkeys.")
                ? "imageio-twelvemonkeys"
                : "imageio";
        image = reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw corrupt(format, e);
    }
    for (String warning : warnings) {
      if (warning != null && warning.toLowerCase(Locale.ROOT).contains("premature end")) {
        throw new ImageException(Kind.CORRUPT, "truncated " + format + ": " + warning);
      }
    }
    return new Decoded(pixelsOf(image, format), format, decoder, metadata(data, format));
  }

  private static Decoded decodeWithCommons(byte[] data, String format, long maxPixels)
      throws ImageException {
    AbstractImageParser<?> parser =
        switch (format) {
          case "ico" -> new IcoImageParser();
          case "pnm" -> new PnmImageParser();
          case "pcx" -> new PcxImageParser();
          default -> new PsdImageParser();
        };
    BufferedImage image;
    try {
      ByteSource source = ByteSource.array(data);
      if (format.equals("ico")) {
        checkLimit(IcoHeader.totalPixels(data), "ICO entries total", maxPixels);
        image = largest(parser.getAllBufferedImages(source));
      } else {
        Dimension size = parser.getImageSize(source, null);
        if (size == null || size.width <= 0 || size.height <= 0) {
          throw new ImageException(Kind.CORRUPT, "invalid " + format + " dimensions " + size);
        }
        checkLimit((long) size.width * size.height, size.width + "x" + size.height, maxPixels);
        image = parser.getBufferedImage(source, null);
      }
    } catch (IOException | RuntimeException e) {
      throw corrupt(format, e);
    }
    if (image == null) {
      throw new ImageException(Kind.CORRUPT, "no image in the " + format + " file");
    }
    return new Decoded(pixelsOf(image, format), format, "commons-imaging", ImageMetadata.NONE);
  }

  private static BufferedImage largest(List<BufferedImage> images) {
    BufferedImage best = null;
    for (BufferedImage image : images) {
      if (best == null
          || (long) image.getWidth() * image.getHeight()
              > (long) best.getWidth() * best.getHeight()) {
        best = image;
      }
    }
    return best;
  }

  private static void checkLimit(long pixels, String what, long maxPixels) throws ImageException {
    if (pixels > maxPixels) {
      throw new ImageException(
          Kind.TOO_LARGE,
          what
              + " = "
              + pixels
              + " pixels, above the limit of "
              + maxPixels
              + " (image-filter.max-pixels)");
    }
  }

  private static Pixels pixelsOf(BufferedImage image, String format) throws ImageException {
    try {
      return Rasters.toPixels(image);
    } catch (RuntimeException e) {
      throw corrupt(format, e);
    }
  }

  private static ImageException corrupt(String format, Exception e) {
    String message = e.getMessage();
    return new ImageException(
        Kind.CORRUPT,
        "cannot decode "
            + format
            + ": "
            + e.getClass().getSimpleName()
            + (message == null ? "" : ": " + message));
  }

  /** EXIF facts of a decoded image; never throws. */
  static ImageMetadata metadata(byte[] data, String format) {
    try {
      boolean tiff = format.equals("tiff");
      ExifBlock block = ExifBlock.read(tiff ? data : ExifBlock.find(data, format));
      return block == null ? ImageMetadata.NONE : block.metadata(!tiff);
    } catch (RuntimeException e) {
      return ImageMetadata.NONE;
    }
  }

  // ---------------------------------------------------------------- encode

  /**
   * Encodes pixels.
   *
   * <ul>
   *   <li>{@code jpeg}: libjpeg-turbo or ImageIO at {@code quality}; alpha is composited on white;
   *       an all-grey image is written with one channel. With {@code exif}, an APP1 Exif segment
   *       after the JFIF one, put in by Commons Imaging's {@link ExifRewriter}; a block that does
   *       not fit one segment (65527 bytes) is dropped.
   *   <li>{@code png}: ImageIO, RGBA if the pixels have alpha, else RGB; with {@code exif}, an
   *       {@code eXIf} chunk before the image data.
   *   <li>{@code gif}: ImageIO, palette built by its writer (exact up to 256 colours); pixels with
   *       alpha 0 become transparent, partial alpha is lost. EXIF dropped.
   *   <li>{@code bmp}: ImageIO, 24-bit, alpha composited on white. EXIF dropped.
   *   <li>{@code tiff}: ImageIO's TIFF writer, Deflate, RGBA if the pixels have alpha. EXIF
   *       dropped.
   * </ul>
   *
   * @param format one of {@link #WRITABLE}
   * @param quality 1..100, used by {@code jpeg} only (checked only there)
   * @param exif the EXIF to write ({@link ExifBlock#forOutput}) for {@code keep}, or null: then the
   *     output has no metadata at all
   * @throws IllegalArgumentException for a format not in {@link #WRITABLE} or a quality outside
   *     1..100
   * @throws IOException if the writer fails
   */
  public static byte[] encode(Pixels pixels, String format, int quality, TiffOutputSet exif)
      throws IOException {
    Objects.requireNonNull(pixels, "pixels");
    String f = normalize(format);
    if (!WRITABLE.contains(f)) {
      throw new IllegalArgumentException("cannot write " + format + "; writable: " + WRITABLE);
    }
    if (f.equals("jpeg") && (quality < 1 || quality > 100)) {
      throw new IllegalArgumentException("JPEG quality must be 1..100, was " + quality);
    }
    byte[] block = exif == null || !(f.equals("jpeg") || f.equals("png")) ? null : block(exif);
    return switch (f) {
      case "jpeg" -> {
        Pixels opaque = Rasters.onWhite(pixels);
        BufferedImage gray = Rasters.grayOrNull(opaque);
        byte[] jpeg = gray == null ? NativeJpeg.encode(opaque, quality) : null;
        if (jpeg == null) {
          jpeg = write("jpeg", gray != null ? gray : Rasters.bgr(opaque), quality, null, null);
        }
        yield block == null || block.length > MAX_JPEG_EXIF ? jpeg : withExif(jpeg, exif);
      }
      case "png" -> write("png", Rasters.wrap(pixels, true), 0, null, block);
      case "bmp" -> write("bmp", Rasters.wrap(Rasters.onWhite(pixels), false), 0, null, null);
      case "tiff" -> write("tiff", Rasters.wrap(pixels, true), 0, "Deflate", null);
      default -> write("gif", Rasters.wrap(pixels, true), 0, null, null);
    };
  }

  /** The most EXIF bytes one JPEG APP1 segment holds: 65535 less length field and Exif header. */
  static final int MAX_JPEG_EXIF = 0xFFFF - 2 - 6;

  /** {@code exif} as a TIFF block, or null (no EXIF written) if Commons Imaging cannot write it. */
  private static byte[] block(TiffOutputSet exif) {
    try {
      return ExifBlock.bytes(exif);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static byte[] withExif(byte[] jpeg, TiffOutputSet exif) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + 8192);
    new ExifRewriter().updateExifMetadataLossy(jpeg, out, exif);
    return out.toByteArray();
  }

  /** Writes with ImageIO; {@code pngExif}, for PNG only, becomes an {@code eXIf} chunk. */
  private static byte[] write(
      String format, BufferedImage image, int quality, String compression, byte[] pngExif)
      throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
    if (!writers.hasNext()) {
      throw new IOException("no ImageIO writer for " + format);
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (quality > 0) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality / 100f);
      } else if (compression != null) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionType(compression);
      }
      IIOMetadata metadata = pngExif == null ? null : pngChunk(writer, image, param, pngExif);
      writer.write(null, new IIOImage(image, null, metadata), param);
    } catch (RuntimeException e) {
      throw new IOException("cannot write " + format + ": " + e, e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** PNG image metadata with one {@code eXIf} chunk, which ImageIO writes before IDAT. */
  private static IIOMetadata pngChunk(
      ImageWriter writer, BufferedImage image, ImageWriteParam param, byte[] exif)
      throws IOException {
    IIOMetadata metadata =
        writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
    IIOMetadataNode chunk = new IIOMetadataNode("UnknownChunk");
    chunk.setAttribute("type", "eXIf");
    chunk.setUserObject(exif);
    IIOMetadataNode chunks = new IIOMetadataNode("UnknownChunks");
    chunks.appendChild(chunk);
    IIOMetadataNode root = new IIOMetadataNode(PNG_METADATA);
    root.appendChild(chunks);
    metadata.mergeTree(PNG_METADATA, root);
    return metadata;
  }

  private static final String PNG_METADATA = "javax_imageio_png_1.0";

  // ---------------------------------------------------------------- names

  /** The file extension, without a dot, for an output format: jpg, png, gif, bmp, tif. */
  public static String extension(String format) {
    String f = normalize(format);
    return switch (f) {
      case "jpeg" -> "jpg";
      case "tiff" -> "tif";
      case "png", "gif", "bmp" -> f;
      default -> throw new IllegalArgumentException("no extension for format " + format);
    };
  }

  private static String normalize(String format) {
    return ImageFormats.normalize(format.trim());
  }
}
