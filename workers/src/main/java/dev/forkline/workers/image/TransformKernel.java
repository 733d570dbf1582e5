package dev.forkline.workers.image;

import dev.forkline.workers.image.codec.Decoded;
import dev.forkline.workers.image.codec.ImageCodec;
import dev.forkline.workers.image.codec.ImageMetadata;
import dev.forkline.workers.image.filter.AutoOrient;
import dev.forkline.workers.image.filter.Filter;
import dev.forkline.workers.image.filter.Filters;
import dev.forkline.workers.image.filter.Resize;
import dev.forkline.workers.kernel.Kernel;
import dev.forkline.workers.kernel.KernelMessages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;

/**
 * The CPU work of the image-filter pipeline's transform stage, as a kernel that runs in a worker
 * JVM or in the pipeline's own: decode (after the header's size check), turn upright by EXIF, apply
 * the filter chain, encode.
 *
 * <p>An image that cannot be processed (corrupt, unsupported, too large, a filter that does not fit
 * it) is an answer, not an exception: the reply carries its failure kind, the same on every
 * executor. Exceptions are left for bugs. Thread-safe: the only state is a cache of parsed chains.
 */
public final class TransformKernel implements Kernel {
  public static final String NAME = "image.transform";

  private static final String AUTO_ORIENT = "auto-orient";
  private static final byte OK = 0;
  private static final byte FAILED = 1;

  /** Parsed filter chains by their text: a run uses one chain for every image. */
  private final Map<List<String>, List<Filter>> chains = new ConcurrentHashMap<>();

  /**
   * The largest encoded output: what one frame of the worker protocol carries, less room for the
   * reply's other fields, on every executor, so that an image is {@code too-large} the same way
   * wherever it runs instead of a reply a worker cannot send.
   */
  static final int MAX_OUTPUT_BYTES =
      dev.forkline.workers.protocol.Frames.MAX_FRAME_BYTES - (64 << 10);

  private final int maxOutputBytes;

  public TransformKernel() {
    this(MAX_OUTPUT_BYTES);
  }

  TransformKernel(int maxOutputBytes) {
    this.maxOutputBytes = maxOutputBytes;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Loads the classes of the first image and has the JIT compile the hot loops before it comes:
   * decodes, resizes, sharpens, blurs and encodes a small JPEG and PNG (class loading of both
   * paths), then, unless the filter loops are native ({@link Filters#nativeLoops()}), runs {@link
   * #WARM_UP_RUNS} times a quarter-photo chain (960x540 JPEG, resize to 400 wide with Lanczos-3,
   * sharpen, JPEG q85), so the loops are compiled at the sizes real images have. Runs on a
   * background thread of a fresh worker ({@code WorkerMain}); about half a second of one core, 30
   * MB of short-lived arrays.
   */
  @Override
  public void warmUp() throws Exception {
    int[] argb = new int[64 * 48];
    for (int i = 0; i < argb.length; i++) {
      argb[i] = 0xFF000000 | (i * 0x010203) & 0xFFFFFF;
    }
    Pixels pixels = new Pixels(64, 48, argb, false);
    List<String> chain =
        List.of("resize width=32 method=lanczos3", "sharpen sigma=0.8 amount=0.6", "blur sigma=1");
    for (String format : List.of("jpeg", "png")) {
      byte[] image = ImageCodec.encode(pixels, format, 85, null);
      apply(new Request(1L << 20, true, chain, "jpeg", 85, MetadataPolicy.STRIP).encode(image));
    }
    // A quarter of a 1080p photo: the same loops (decode, the opaque resize and sharpen paths,
    // encode) at a quarter of the cost, so a small run's workers do not hold the CPU the pipeline
    // needs to start.
    byte[] photo = ImageCodec.encode(photoLike(960, 540), "jpeg", 90, null);
    byte[] request =
        new Request(
                1L << 24,
                true,
                List.of("resize width=400 method=lanczos3", "sharpen sigma=0.8 amount=0.6"),
                "jpeg",
                85,
                MetadataPolicy.STRIP)
            .encode(photo);
    if (Filters.nativeLoops()) {
      return; // nothing for the JIT to learn from the loops
    }
    for (int i = 0; i < WARM_UP_RUNS; i++) {
      apply(request);
    }
  }

  /**
   * C1 alone when the filter loops are native ({@link Filters#nativeLoops()}): what is left to
   * compile (EXIF, the codecs' glue, messages) is not worth C2's time in a worker's life of one
   * run. The same for the workers the daemon keeps ({@link #keptWorkerJvmFlags()}'s default).
   * Without them, the full JIT: C2's loops are twice as fast as C1's.
   *
   * <p>A young generation of at most {@value #MAX_NEW_SIZE}: an image's pixel arrays are G1
   * humongous objects, freed only at a young collection, so a young generation G1 lets grow
   * collects seldom and the dead images fill the heap.
   */
  @Override
  public List<String> workerJvmFlags() {
    String young = "-XX:MaxNewSize=" + MAX_NEW_SIZE;
    return Filters.nativeLoops() ? List.of("-XX:TieredStopAtLevel=1", young) : List.of(young);
  }

  static final String MAX_NEW_SIZE = "64m";

  /**
   * Quarter-photo warm-up chains: enough for C2 to start on the filter loops (decode and encode are
   * native for JPEG); none when the loops are native too. The warm-up competes for the CPU with the
   * pipeline's own start, so a few runs: they speed up a batch of 200 photos and slow a small run
   * less than more would.
   */
  static final int WARM_UP_RUNS = 3;

  /** Gradients, a sine wave and noise: decodes and filters like a photo, not like flat colour. */
  public static Pixels photoLike(int w, int h) {
    int[] argb = new int[w * h];
    int seed = 1;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        seed = seed * 1103515245 + 12345;
        int noise = (seed >>> 16) % 17 - 8;
        int r = clamp(x * 255 / w + noise);
        int g = clamp(y * 255 / h - noise);
        int b = clamp((int) (128 + 100 * Math.sin((x + y) / 60.0)) + noise / 2);
        argb[y * w + x] = 0xFF000000 | r << 16 | g << 8 | b;
      }
    }
    return new Pixels(w, h, argb, false);
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  /**
   * What to do with one image.
   *
   * @param maxPixels the largest width x height decoded; larger fails as too-large
   * @param autoOrient turn the pixels upright by the EXIF orientation first
   * @param filters the chain, each filter in its {@code Filter.describe()} form
   * @param format the output format (png, jpeg, bmp, tiff, gif)
   * @param quality JPEG quality, 1 to 100
   * @param metadata what of the input's EXIF the output gets, where its format allows
   * @param shrinkOnLoad decode a JPEG at 1/2, 1/4 or 1/8 of its size when the chain begins with a
   *     downscale that stays at or below that size ({@link #shrinkDenominator})
   */
  public record Request(
      long maxPixels,
      boolean autoOrient,
      List<String> filters,
      String format,
      int quality,
      MetadataPolicy metadata,
      boolean shrinkOnLoad) {

    public Request {
      filters = List.copyOf(filters);
      Objects.requireNonNull(metadata, "metadata");
    }

    /** A request that decodes at full size. */
    public Request(
        long maxPixels,
        boolean autoOrient,
        List<String> filters,
        String format,
        int quality,
        MetadataPolicy metadata) {
      this(maxPixels, autoOrient, filters, format, quality, metadata, false);
    }

    /** The request's bytes, with the image's. */
    public byte[] encode(byte[] data) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(data.length + 256);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeLong(maxPixels);
        out.writeBoolean(autoOrient);
        out.writeInt(filters.size());
        for (String f : filters) {
          out.writeUTF(f);
        }
        out.writeUTF(format);
        out.writeInt(quality);
        out.writeByte(metadata.ordinal());
        out.writeBoolean(shrinkOnLoad);
        out.writeInt(data.length);
        out.write(data);
      } catch (IOException e) {
        throw new IllegalStateException("writing to memory cannot fail", e);
      }
      return bytes.toByteArray();
    }
  }

  @Override
  public byte[] apply(byte[] requestBytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(requestBytes));
    long maxPixels = in.readLong();
    boolean autoOrient = in.readBoolean();
    int n = in.readInt();
    List<String> filterLines = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      filterLines.add(in.readUTF());
    }
    String format = in.readUTF();
    int quality = in.readInt();
    MetadataPolicy policy = MetadataPolicy.values()[in.readByte()];
    boolean shrinkOnLoad = in.readBoolean();
    byte[] data = new byte[in.readInt()];
    in.readFully(data);

    List<Filter> chain = chains.computeIfAbsent(filterLines, TransformKernel::parse);
    boolean orientFirst = autoOrient && chain.stream().noneMatch(AutoOrient.class::isInstance);
    long taken;
    try {
      taken =
          PixelBudget.JVM.acquire(pixelsInWork(data, maxPixels, chain, orientFirst, shrinkOnLoad));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for pixel budget");
    }
    try {
      return transform(data, maxPixels, chain, orientFirst, shrinkOnLoad, format, quality, policy);
    } finally {
      PixelBudget.JVM.release(taken);
    }
  }

  /**
   * The pixels an image will be decoded to, from its header: its own, or a JPEG's after the
   * shrink-on-load its chain allows (whichever way its EXIF turns it). An image whose header does
   * not read counts as one pixel: its decode fails at once.
   */
  private static long pixelsInWork(
      byte[] data, long maxPixels, List<Filter> chain, boolean orientFirst, boolean shrink) {
    ImageProbe.Info info;
    try {
      info = new ImageProbe(maxPixels).probe(data);
    } catch (ImageException e) {
      return 1;
    }
    long pixels = info.pixels();
    if (shrink && info.format().equals("jpeg")) {
      int d =
          Math.min(
              shrinkDenominator(chain, orientFirst, info.width(), info.height(), 1),
              shrinkDenominator(chain, orientFirst, info.width(), info.height(), 6));
      pixels = (long) ceilDiv(info.width(), d) * ceilDiv(info.height(), d);
    }
    return pixels;
  }

  private byte[] transform(
      byte[] data,
      long maxPixels,
      List<Filter> chain,
      boolean orientFirst,
      boolean shrinkOnLoad,
      String format,
      int quality,
      MetadataPolicy policy)
      throws IOException {
    long t0 = System.nanoTime();
    Decoded decoded;
    try {
      decoded =
          ImageCodec.decode(
              data,
              maxPixels,
              shrinkOnLoad ? (w, h, o) -> shrinkDenominator(chain, orientFirst, w, h, o) : null);
    } catch (ImageException e) {
      return failed(e.kind().label(), e.getMessage(), null);
    }
    data = null; // the encoded input is not needed any more; let a big one go
    long t1 = System.nanoTime();
    ImageMetadata meta = decoded.metadata();
    Pixels pixels = decoded.pixels();
    // The size the pixels stand for: the image's own, while they are decoded smaller.
    int[] full = decoded.shrunk() ? new int[] {decoded.width(), decoded.height(), 1} : null;
    // Keep what the reply needs, not the decoded image: a filter that makes a new image lets the
    // input go, so a large photo needs its input and output in memory, not three copies.
    Source source = Source.of(decoded);
    UnaryOperator<Pixels> pendingColour = decoded.pendingColour();
    StringJoiner applied = new StringJoiner("; ");
    if (full != null) {
      int denominator =
          shrinkDenominator(
              chain, orientFirst, decoded.width(), decoded.height(), meta.orientation());
      applied.add("shrink-on-load 1/" + denominator);
      full[2] = denominator;
    }
    decoded = null;
    // Upright first, unless the chain says where: then there, by the image's own orientation.
    boolean turned = false;
    if (orientFirst) {
      pixels = orient(pixels, meta.orientation(), applied);
      turned = meta.orientation() != 1;
      full = turnedSize(full, meta.orientation());
    }
    for (Filter filter : chain) {
      if (filter instanceof AutoOrient) {
        pixels = orient(pixels, meta.orientation(), applied);
        turned |= meta.orientation() != 1;
        full = turnedSize(full, meta.orientation());
        continue;
      }
      try {
        if (full != null && filter instanceof Resize resize) {
          pixels = resize.apply(pixels, full[0], full[1], full[2]);
          full = null;
          if (pendingColour != null) {
            pixels = pendingColour.apply(pixels); // on the resized pixels, not the decoded ones
            pendingColour = null;
          }
        } else {
          pixels = filter.apply(pixels);
        }
      } catch (IllegalArgumentException e) {
        return failed("filter", filter.describe() + ": " + e.getMessage(), source);
      }
      if ((long) pixels.width() * pixels.height() > maxPixels) {
        return failed(
            "too-large",
            filter.describe()
                + " made "
                + pixels.width()
                + "x"
                + pixels.height()
                + " pixels, above the limit of "
                + maxPixels
                + " (image-filter.max-pixels)",
            source);
      }
      applied.add(filter.describe());
    }
    if (pendingColour != null) {
      pixels = pendingColour.apply(pixels);
    }
    long t2 = System.nanoTime();
    byte[] encoded;
    try {
      encoded = ImageCodec.encode(pixels, format, quality, exifFor(meta, policy, pixels, turned));
    } catch (IOException e) {
      return failed("encode", "cannot encode as " + format + ": " + e.getMessage(), source);
    }
    long t3 = System.nanoTime();
    if (encoded.length > maxOutputBytes) {
      return failed(
          "too-large",
          "the "
              + format
              + " output of "
              + pixels.width()
              + "x"
              + pixels.height()
              + " is "
              + encoded.length
              + " bytes, more than the "
              + maxOutputBytes
              + " one image's output may have",
          source);
    }

    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length + 512);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(OK);
      writeSource(out, source);
      out.writeUTF(format);
      out.writeInt(pixels.width());
      out.writeInt(pixels.height());
      out.writeUTF(applied.toString());
      out.writeLong(t1 - t0);
      out.writeLong(t2 - t1);
      out.writeLong(t3 - t2);
      out.writeInt(encoded.length);
      out.write(encoded);
    }
    return bytes.toByteArray();
  }

  /**
   * What {@code policy} writes of the input's EXIF into {@code output}, or null for none: {@code
   * strip}, no EXIF in the input, or an EXIF that Commons Imaging cannot write back. Catches no
   * Commons Imaging exception: kernels must load without that library (the pool's tests start
   * workers on forkline's own classes).
   */
  private static TiffOutputSet exifFor(
      ImageMetadata meta, MetadataPolicy policy, Pixels output, boolean turned) {
    if (!policy.keeps() || meta.exif() == null) {
      return null;
    }
    return meta.exif().forOutput(output, turned, policy == MetadataPolicy.KEEP);
  }

  /**
   * The scale's denominator (1, 2, 4 or 8) a JPEG of {@code w} x {@code h} may be decoded at for
   * {@code chain}: the largest that leaves the image at or above the size its first filter, a
   * downscale, makes of it (after the EXIF orientation, when {@code orientFirst} or an {@code
   * auto-orient} filter comes first); 1 when the chain does not begin with a resize.
   */
  static int shrinkDenominator(
      List<Filter> chain, boolean orientFirst, int w, int h, int orientation) {
    boolean oriented = orientFirst;
    Resize first = null;
    for (Filter filter : chain) {
      if (filter instanceof AutoOrient) {
        oriented = true;
        continue;
      }
      if (filter instanceof Resize resize) {
        first = resize;
      }
      break;
    }
    if (first == null || w <= 0 || h <= 0) {
      return 1;
    }
    boolean swap = oriented && orientation >= 5 && orientation <= 8;
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    int[] target = first.scaledSize(ow, oh);
    for (int d = 8; d >= 2; d /= 2) {
      if (ceilDiv(ow, d) >= REDUCING_GAP * target[0]
          && ceilDiv(oh, d) >= REDUCING_GAP * target[1]) {
        return d;
      }
    }
    return 1;
  }

  /**
   * How much of the downscale is left to the resize after a shrink-on-load, at least: the DCT's
   * scaling averages blocks, the resize's kernel does the rest properly (Pillow's {@code
   * reducing_gap}, 2 in its {@code thumbnail}).
   */
  static final int REDUCING_GAP = 2;

  private static int ceilDiv(int a, int d) {
    return (a + d - 1) / d;
  }

  /** The size an image of {@code size} has after an EXIF orientation; null stays null. */
  private static int[] turnedSize(int[] size, int orientation) {
    if (size == null || orientation < 5 || orientation > 8) {
      return size;
    }
    return new int[] {size[1], size[0], size[2]};
  }

  /** The pixels turned upright by an EXIF orientation, noted in {@code applied} if they moved. */
  private static Pixels orient(Pixels pixels, int orientation, StringJoiner applied) {
    if (orientation == 1) {
      return pixels;
    }
    applied.add(AUTO_ORIENT + " orientation=" + orientation);
    return AutoOrient.apply(pixels, orientation);
  }

  private static List<Filter> parse(List<String> lines) {
    List<Filter> out = new ArrayList<>(lines.size());
    for (String line : lines) {
      out.add(Filters.parse(line));
    }
    return List.copyOf(out);
  }

  private static void writeSource(DataOutputStream out, Source source) throws IOException {
    out.writeBoolean(source != null);
    if (source == null) {
      return;
    }
    out.writeUTF(source.format());
    out.writeUTF(source.decoder());
    out.writeInt(source.width());
    out.writeInt(source.height());
    out.writeInt(source.orientation());
    KernelMessages.writeString(out, KernelMessages.truncate(source.make(), 1000));
    KernelMessages.writeString(out, KernelMessages.truncate(source.model(), 1000));
    KernelMessages.writeString(out, KernelMessages.truncate(source.dateTimeOriginal(), 1000));
    out.writeDouble(source.latitude() == null ? Double.NaN : source.latitude());
    out.writeDouble(source.longitude() == null ? Double.NaN : source.longitude());
  }

  private static byte[] failed(String kind, String message, Source source) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FAILED);
      out.writeUTF(kind);
      out.writeUTF(message == null ? kind : KernelMessages.truncate(message, 4000));
      writeSource(out, source);
    }
    return bytes.toByteArray();
  }

  /** What was decoded: format, decoder, size and EXIF facts. */
  public record Source(
      String format,
      String decoder,
      int width,
      int height,
      int orientation,
      String make,
      String model,
      String dateTimeOriginal,
      Double latitude,
      Double longitude) {

    static Source of(Decoded decoded) {
      ImageMetadata m = decoded.metadata();
      return new Source(
          decoded.format(),
          decoded.decoder(),
          decoded.width(),
          decoded.height(),
          m.orientation(),
          m.make(),
          m.model(),
          m.dateTimeOriginal(),
          m.latitude(),
          m.longitude());
    }
  }

  /**
   * A decoded reply: a failure (with what was decoded, if the failure came after decoding) or the
   * output image with its format, size, the filters applied and the time of each step.
   */
  public record Reply(
      String failureKind,
      String failureMessage,
      Source source,
      String formatOut,
      int widthOut,
      int heightOut,
      String filtersApplied,
      long decodeNanos,
      long filterNanos,
      long encodeNanos,
      byte[] data) {

    public boolean ok() {
      return failureKind == null;
    }

    public static Reply decode(byte[] reply) throws IOException {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(reply));
      byte status = in.readByte();
      if (status == FAILED) {
        String kind = in.readUTF();
        String message = in.readUTF();
        return new Reply(kind, message, readSource(in), null, 0, 0, null, 0, 0, 0, null);
      }
      if (status != OK) {
        throw new IOException("not a reply of " + NAME + ": status byte " + status);
      }
      Source source = readSource(in);
      String formatOut = in.readUTF();
      int widthOut = in.readInt();
      int heightOut = in.readInt();
      String applied = in.readUTF();
      long decode = in.readLong();
      long filter = in.readLong();
      long encode = in.readLong();
      byte[] data = new byte[in.readInt()];
      in.readFully(data);
      return new Reply(
          null, null, source, formatOut, widthOut, heightOut, applied, decode, filter, encode,
          data);
    }

    private static Source readSource(DataInputStream in) throws IOException {
      if (!in.readBoolean()) {
        return null;
      }
      String format = in.readUTF();
      String decoder = in.readUTF();
      int w = in.readInt();
      int h = in.readInt();
      int orientation = in.readInt();
      String make = KernelMessages.readString(in);
      String model = KernelMessages.readString(in);
      String date = KernelMessages.readString(in);
      double lat = in.readDouble();
      double lon = in.readDouble();
      return new Source(
          format,
          decoder,
          w,
          h,
          orientation,
          make,
          model,
          date,
          Double.isNaN(lat) ? null : lat,
          Double.isNaN(lon) ? null : lon);
    }
  }
}
