package dev.forkline.workers.image.codec;

import com.twelvemonkeys.imageio.color.ColorProfiles;
import com.twelvemonkeys.imageio.color.ColorSpaces;
import dev.forkline.workers.image.Pixels;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.ColorConvertOp;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The colour a JPEG's embedded ICC profile gives its samples, for the native decoder: what the
 * TwelveMonkeys reader does, so both paths give the same sRGB pixels. A grey JPEG's profile is not
 * applied (neither reader applies it); an RGB profile that is sRGB, or maps every colour to itself,
 * needs nothing; any other RGB profile of a three-component JPEG is converted to sRGB with the
 * JDK's colour engine (LittleCMS), after the decode, or for an image shrunk on load after its
 * resize, as libvips's thumbnail does (the conversion costs about 20 ms a megapixel). Anything
 * irregular (chunks missing or repeated, a profile the JDK refuses, a profile that does not match
 * the components) is left to ImageIO, whose reader knows the repairs.
 */
final class JpegColour {
  private static final byte[] ICC_HEADER = "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1);

  /** Rows converted at a time: a strip's bytes, not a whole image's, are held twice. */
  private static final int STRIP_ROWS = 64;

  /** What the native decoder must do about colour. */
  sealed interface Plan {}

  /** Native decode, pixels as they are. */
  record AsDecoded() implements Plan {}

  /** Native decode, then {@link #toSrgb}. */
  static final class Convert implements Plan {
    private final ICC_ColorSpace space;

    /** Building LittleCMS's transform costs milliseconds: once per thread and profile. */
    private final ThreadLocal<ColorConvertOp> ops;

    Convert(ICC_ColorSpace space) {
      this.space = space;
      this.ops = ThreadLocal.withInitial(() -> new ColorConvertOp(space, SRGB, null));
    }

    ICC_ColorSpace space() {
      return space;
    }
  }

  /** Leave it to ImageIO. */
  record ImageIo() implements Plan {}

  static final Plan AS_DECODED = new AsDecoded();
  static final Plan IMAGE_IO = new ImageIo();

  private static final ColorSpace SRGB = ColorSpace.getInstance(ColorSpace.CS_sRGB);

  /** Plans by profile bytes: a folder's photos mostly share a camera's one or two profiles. */
  private static final int CACHED_PROFILES = 16;

  private static final Map<ByteBuffer, Plan> PLANS =
      Collections.synchronizedMap(
          new LinkedHashMap<>(CACHED_PROFILES, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Plan> eldest) {
              return size() > CACHED_PROFILES;
            }
          });

  private JpegColour() {}

  /** The plan for a JPEG's bytes. */
  static Plan plan(byte[] jpeg) {
    Header header = Header.read(jpeg);
    if (header == null) {
      return IMAGE_IO;
    }
    if (header.icc() == null || header.components() == 1) {
      return AS_DECODED;
    }
    if (header.components() != 3) {
      return IMAGE_IO;
    }
    ByteBuffer key = ByteBuffer.wrap(header.icc());
    Plan plan = PLANS.get(key);
    if (plan == null) {
      plan = planFor(header.icc());
      PLANS.put(key, plan);
    }
    return plan;
  }

  private static Plan planFor(byte[] icc) {
    try {
      ICC_Profile profile = ColorProfiles.createProfile(icc);
      if (profile.getColorSpaceType() != ColorSpace.TYPE_RGB) {
        return IMAGE_IO;
      }
      if (ColorProfiles.isCS_sRGB(profile)) {
        return AS_DECODED;
      }
      Convert convert = new Convert(ColorSpaces.createColorSpace(profile));
      return isIdentity(convert) ? AS_DECODED : convert;
    } catch (RuntimeException e) {
      return IMAGE_IO;
    }
  }

  /**
   * Whether the profile maps every colour of a 32-step cube and every grey to itself, give or take
   * {@value #IDENTITY_TOLERANCE}: an sRGB profile under another name (cameras embed them), which
   * needs no conversion.
   */
  private static boolean isIdentity(Convert convert) {
    int[] colours = new int[32 * 32 * 32 + 256];
    int n = 0;
    for (int r = 0; r < 32; r++) {
      for (int g = 0; g < 32; g++) {
        for (int b = 0; b < 32; b++) {
          colours[n++] = 0xFF000000 | (r * 255 / 31) << 16 | (g * 255 / 31) << 8 | b * 255 / 31;
        }
      }
    }
    for (int v = 0; v < 256; v++) {
      colours[n++] = 0xFF000000 | v << 16 | v << 8 | v;
    }
    int[] converted = colours.clone();
    toSrgb(new Pixels(converted.length, 1, converted, false), convert);
    int worst = 0;
    for (int i = 0; i < n; i++) {
      for (int shift = 0; shift <= 16; shift += 8) {
        worst =
            Math.max(
                worst, Math.abs((colours[i] >> shift & 0xFF) - (converted[i] >> shift & 0xFF)));
      }
    }
    return worst <= IDENTITY_TOLERANCE;
  }

  private static final int IDENTITY_TOLERANCE = 1;

  /**
   * {@code pixels}' RGB, read in the plan's colour space, as sRGB; in place, strip by strip.
   * Returns {@code pixels}.
   */
  static Pixels toSrgb(Pixels pixels, Convert convert) {
    int w = pixels.width();
    int[] argb = pixels.argb();
    ColorConvertOp op = convert.ops.get();
    int rows = Math.min(STRIP_ROWS, pixels.height());
    WritableRaster in = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, rows, 3, null);
    WritableRaster out = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, rows, 3, null);
    byte[] src = ((DataBufferByte) in.getDataBuffer()).getData();
    byte[] dst = ((DataBufferByte) out.getDataBuffer()).getData();
    for (int y0 = 0; y0 < pixels.height(); y0 += rows) {
      int n = Math.min(rows, pixels.height() - y0);
      int from = y0 * w;
      int count = n * w;
      for (int i = 0, b = 0; i < count; i++, b += 3) {
        int p = argb[from + i];
        src[b] = (byte) (p >> 16);
        src[b + 1] = (byte) (p >> 8);
        src[b + 2] = (byte) p;
      }
      if (n < rows) {
        op.filter(
            in.createChild(0, 0, w, n, 0, 0, null),
            out.createWritableChild(0, 0, w, n, 0, 0, null));
      } else {
        op.filter(in, out);
      }
      for (int i = 0, b = 0; i < count; i++, b += 3) {
        argb[from + i] =
            (argb[from + i] & 0xFF000000)
                | (dst[b] & 0xFF) << 16
                | (dst[b + 1] & 0xFF) << 8
                | (dst[b + 2] & 0xFF);
      }
    }
    return pixels;
  }

  /**
   * {@code jpeg} itself when its ICC chunks are one whole profile, or a copy in which none of them
   * reads as an ICC chunk any more. TwelveMonkeys' reader allocates the size a profile declares
   * before it reads (a 2 KB file can ask for 2 GB), and which chunk it takes the size from depends
   * on how the chunks are numbered; so ImageIO sees only chunks named exactly, numbered 1 to n once
   * each, all saying n, whose first declares no more than they hold. It drops the rest too.
   */
  static byte[] withoutIrregularProfile(byte[] jpeg) {
    List<int[]> chunks = new ArrayList<>(); // {marker, payload start, end, seq, count}
    boolean named = true;
    long held = 0;
    for (int i = 0; i + 4 + ICC_HEADER.length + 2 <= jpeg.length; i++) {
      if ((jpeg[i] & 0xFF) != 0xFF || (jpeg[i + 1] & 0xFF) != 0xE2) {
        continue;
      }
      int body = i + 4;
      if (!readsAsIccChunk(jpeg, body)) {
        continue;
      }
      named &= jpeg[body + ICC_HEADER.length - 1] == 0;
      int start = body + ICC_HEADER.length + 2;
      int end = Math.min(jpeg.length, i + 2 + ((jpeg[i + 2] & 0xFF) << 8 | (jpeg[i + 3] & 0xFF)));
      end = Math.max(end, start);
      int seq = jpeg[body + ICC_HEADER.length] & 0xFF;
      int count = jpeg[body + ICC_HEADER.length + 1] & 0xFF;
      chunks.add(new int[] {i, start, end, seq, count});
      held += end - start;
    }
    if (chunks.isEmpty()) {
      return jpeg;
    }
    if (named && numberedOnce(chunks)) {
      List<int[]> bySeq = new ArrayList<>(chunks);
      bySeq.sort(Comparator.comparingInt(c -> c[3]));
      if (Math.max(declaredSize(jpeg, chunks), declaredSize(jpeg, bySeq)) <= held) {
        return jpeg;
      }
    }
    byte[] copy = jpeg.clone();
    for (int[] chunk : chunks) {
      copy[chunk[0] + 4] = 'X';
    }
    return copy;
  }

  /** Whether the n chunks all say n and are numbered 1 to n, each once. */
  private static boolean numberedOnce(List<int[]> chunks) {
    int n = chunks.size();
    boolean[] seen = new boolean[n + 1];
    for (int[] chunk : chunks) {
      int seq = chunk[3];
      if (chunk[4] != n || seq < 1 || seq > n || seen[seq]) {
        return false;
      }
      seen[seq] = true;
    }
    return true;
  }

  /**
   * Whether TwelveMonkeys reads the APP2 payload at {@code body} as an ICC chunk: "ICC_PROFILE"
   * then any byte it takes for the end of the name (below 0x14 or above 0x7F), not only a NUL.
   */
  private static boolean readsAsIccChunk(byte[] jpeg, int body) {
    int name = ICC_HEADER.length - 1;
    return Arrays.equals(jpeg, body, body + name, ICC_HEADER, 0, name) && jpeg[body + name] < 0x14;
  }

  /** The first four bytes of the chunks' payloads joined in this order, unsigned; 0 if fewer. */
  private static long declaredSize(byte[] jpeg, List<int[]> chunks) {
    long size = 0;
    int taken = 0;
    for (int[] chunk : chunks) {
      for (int p = chunk[1]; p < chunk[2] && taken < 4; p++, taken++) {
        size = size << 8 | (jpeg[p] & 0xFF);
      }
    }
    return taken == 4 ? size : 0;
  }

  /**
   * The frame's component count and the ICC profile put together from the APP2 chunks before the
   * first scan (null if it has none; empty if one is missing); the header itself null when its
   * markers are odd or its chunks repeat or disagree on their count.
   */
  record Header(int components, byte[] icc) {

    static Header read(byte[] b) {
      byte[][] chunks = null;
      int components = -1;
      int i = 2;
      while (i + 4 <= b.length) {
        if ((b[i] & 0xFF) != 0xFF) {
          return null;
        }
        int m = b[i + 1] & 0xFF;
        if (m == 0xFF) {
          i++;
          continue;
        }
        if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
          i += 2;
          continue;
        }
        if (m == 0xDA || m == 0xD9) {
          return components < 0 ? null : new Header(components, join(chunks));
        }
        int length = (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
        int end = i + 2 + length;
        if (length < 2 || end > b.length) {
          return null;
        }
        int body = i + 4;
        if (m == 0xE2
            && body + ICC_HEADER.length + 2 <= end
            && Arrays.equals(b, body, body + ICC_HEADER.length, ICC_HEADER, 0, ICC_HEADER.length)) {
          int seq = b[body + ICC_HEADER.length] & 0xFF;
          int count = b[body + ICC_HEADER.length + 1] & 0xFF;
          if (chunks == null) {
            chunks = new byte[count][];
          }
          if (count != chunks.length || seq < 1 || seq > count || chunks[seq - 1] != null) {
            return null;
          }
          chunks[seq - 1] = Arrays.copyOfRange(b, body + ICC_HEADER.length + 2, end);
        } else if (isFrame(m)) {
          if (length < 8 || components >= 0) {
            return null;
          }
          components = b[body + 5] & 0xFF;
        }
        i = end;
      }
      return null;
    }

    /** SOF0..SOF15 less DHT (C4), JPG (C8) and DAC (CC). */
    private static boolean isFrame(int m) {
      return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    }

    private static byte[] join(byte[][] chunks) {
      if (chunks == null) {
        return null;
      }
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (byte[] chunk : chunks) {
        if (chunk == null) {
          return new byte[0]; // a chunk missing: no profile the JDK would take
        }
        all.writeBytes(chunk);
      }
      return all.toByteArray();
    }
  }
}
