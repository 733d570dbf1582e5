package dev.forkline.workers.image;

import dev.forkline.workers.image.codec.Decoded;
import dev.forkline.workers.image.codec.ImageCodec;
import dev.forkline.workers.image.codec.ImageMetadata;
import dev.forkline.workers.image.filter.AutoOrient;
import dev.forkline.workers.image.filter.Filter;
import dev.forkline.workers.image.filter.Filters;
import dev.forkline.workers.image.filter.Resize;
import dev.forkline.workers.kernel.Kernel;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
      apply(
          new TransformRequest(1L << 20, true, chain, "jpeg", 85, MetadataPolicy.STRIP)
              .encode(image));
    }
    // A quarter of a 1080p photo: the same loops (decode, the opaque resize and sharpen paths,
    // encode) at a quarter of the cost, so a small run's workers do not hold the CPU the pipeline
    // needs to start.
    byte[] photo = ImageCodec.encode(photoLike(960, 540), "jpeg", 90, null);
    byte[] request =
        new TransformRequest(
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

  @Override
  public byte[] apply(byte[] requestBytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(requestBytes));
    TransformRequest request = TransformRequest.readFrom(in);
    byte[] data = new byte[in.readInt()];
    in.readFully(data);
    List<Filter> chain = chains.computeIfAbsent(request.filters(), TransformKernel::parse);
    boolean orientFirst =
        request.autoOrient() && chain.stream().noneMatch(AutoOrient.class::isInstance);
    long taken;
    try {
      taken =
          PixelBudget.JVM.acquire(
              ShrinkOnLoad.pixelsInWork(
                  data, request.maxPixels(), chain, orientFirst, request.shrinkOnLoad()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for pixel budget");
    }
    try {
      return transform(data, request, chain, orientFirst);
    } finally {
      PixelBudget.JVM.release(taken);
    }
  }

  private byte[] transform(
      byte[] data, TransformRequest request, List<Filter> chain, boolean orientFirst)
      throws IOException {
    long t0 = System.nanoTime();
    Decoded decoded;
    try {
      decoded =
          ImageCodec.decode(
              data,
              request.maxPixels(),
              request.shrinkOnLoad()
                  ? (w, h, o) -> ShrinkOnLoad.denominator(chain, orientFirst, w, h, o)
                  : null);
    } catch (ImageException e) {
      return TransformReply.failed(e.kind().label(), e.getMessage(), null);
    }
    data = null; // the encoded input is not needed any more; let a big one go
    long t1 = System.nanoTime();
    Filtering run = new Filtering(decoded, chain, orientFirst, request.maxPixels());
    decoded = null; // a filter that makes a new image lets the decoded one go
    String failure = run.apply();
    if (failure != null) {
      return TransformReply.failed(run.failedKind, failure, run.source);
    }
    long t2 = System.nanoTime();
    Pixels pixels = run.pixels;
    String format = request.format();
    byte[] encoded;
    try {
      encoded =
          ImageCodec.encode(
              pixels,
              format,
              request.quality(),
              exifFor(run.meta, request.metadata(), pixels, run.turned));
    } catch (IOException e) {
      return TransformReply.failed(
          "encode", "cannot encode as " + format + ": " + e.getMessage(), run.source);
    }
    long t3 = System.nanoTime();
    if (encoded.length > maxOutputBytes) {
      return TransformReply.failed(
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
          run.source);
    }
    return TransformReply.ok(
        run.source, format, pixels, run.applied.toString(), t1 - t0, t2 - t1, t3 - t2, encoded);
  }

  /**
   * One image's way through the chain: upright first unless the chain says where, a resize of a
   * shrunk decode told the image's own size, a pending colour conversion after that resize.
   */
  private static final class Filtering {
    final List<Filter> chain;
    final boolean orientFirst;
    final long maxPixels;
    final ImageMetadata meta;
    // Keep what the reply needs, not the decoded image: a large photo then needs its input and
    // output in memory, not three copies.
    final TransformReply.Source source;
    final StringJoiner applied = new StringJoiner("; ");
    Pixels pixels;
    UnaryOperator<Pixels> pendingColour;
    // The size the pixels stand for while they are decoded smaller, and the denominator.
    int[] full;
    boolean turned;
    String failedKind;

    Filtering(Decoded decoded, List<Filter> chain, boolean orientFirst, long maxPixels) {
      this.chain = chain;
      this.orientFirst = orientFirst;
      this.maxPixels = maxPixels;
      this.meta = decoded.metadata();
      this.source = TransformReply.Source.of(decoded);
      this.pixels = decoded.pixels();
      this.pendingColour = decoded.pendingColour();
      if (decoded.shrunk()) {
        int denominator =
            ShrinkOnLoad.denominator(
                chain, orientFirst, decoded.width(), decoded.height(), meta.orientation());
        applied.add("shrink-on-load 1/" + denominator);
        full = new int[] {decoded.width(), decoded.height(), denominator};
      }
    }

    /** Runs the chain; null when it went through, else the failure's message. */
    String apply() {
      if (orientFirst) {
        orient();
      }
      for (Filter filter : chain) {
        if (filter instanceof AutoOrient) {
          orient();
          continue;
        }
        try {
          step(filter);
        } catch (IllegalArgumentException e) {
          failedKind = "filter";
          return filter.describe() + ": " + e.getMessage();
        }
        if ((long) pixels.width() * pixels.height() > maxPixels) {
          failedKind = "too-large";
          return filter.describe()
              + " made "
              + pixels.width()
              + "x"
              + pixels.height()
              + " pixels, above the limit of "
              + maxPixels
              + " (image-filter.max-pixels)";
        }
        applied.add(filter.describe());
      }
      if (pendingColour != null) {
        pixels = pendingColour.apply(pixels);
      }
      return null;
    }

    private void step(Filter filter) {
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
    }

    /** Turns the pixels upright by the image's EXIF orientation, noted if they moved. */
    private void orient() {
      int orientation = meta.orientation();
      turned |= orientation != 1;
      full = ShrinkOnLoad.turnedSize(full, orientation);
      if (orientation != 1) {
        applied.add(AUTO_ORIENT + " orientation=" + orientation);
        pixels = AutoOrient.apply(pixels, orientation);
      }
    }
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

  private static List<Filter> parse(List<String> lines) {
    List<Filter> out = new ArrayList<>(lines.size());
    for (String line : lines) {
      out.add(Filters.parse(line));
    }
    return List.copyOf(out);
  }
}
