package dev.forkline.workers.image.codec;

import dev.forkline.workers.image.Pixels;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DataBufferUShort;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;

/**
 * Converts between {@link BufferedImage} and {@link Pixels} without per-pixel {@code getRGB} calls
 * where the layout allows: packed-int images are taken as they are, interleaved byte images (BGR,
 * ABGR, RGB, RGBA, grey, grey+alpha) and 8-bit palettes are read in one loop; anything else uses
 * the bulk {@code getRGB}.
 *
 * <p>Grey samples are taken as stored, 8-bit and 16-bit alike: {@code getRGB} would treat Java's
 * linear grey colour space as linear and lighten them (a 16-bit sample of 40000 would come out as
 * 205 instead of 156), unlike every viewer.
 *
 * <p>Thread-safe: stateless.
 */
final class Rasters {
  private static final int[] ARGB_MASKS = {0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000};
  private static final int[] RGB_MASKS = {0x00FF0000, 0x0000FF00, 0x000000FF};
  private static final java.lang.invoke.VarHandle INT_LE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private Rasters() {}

  /** The pixels of {@code image}; may take over its int array (do not use the image after). */
  static Pixels toPixels(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    Raster raster = image.getRaster();
    ColorModel cm = image.getColorModel();
    int[] argb = null;
    boolean hasAlphaChannel = cm.hasAlpha();
    if (isPlain(raster)) {
      if (cm instanceof DirectColorModel dcm && !cm.isAlphaPremultiplied()) {
        argb = fromPackedInts(raster, dcm, w, h);
      } else if (cm instanceof ComponentColorModel && !cm.isAlphaPremultiplied()) {
        argb =
            raster.getDataBuffer() instanceof DataBufferUShort
                ? fromInterleavedGreyShorts(raster, cm, w, h)
                : fromInterleavedBytes(raster, cm, w, h);
      } else if (cm instanceof IndexColorModel icm) {
        argb = fromPalette(raster, icm, w, h);
      }
    }
    if (argb == null) {
      argb = image.getRGB(0, 0, w, h, null, 0, w);
    }
    return new Pixels(w, h, argb, hasAlphaChannel && anyTranslucent(argb));
  }

  private static boolean isPlain(Raster r) {
    return r.getParent() == null
        && r.getSampleModelTranslateX() == 0
        && r.getSampleModelTranslateY() == 0
        && r.getDataBuffer().getNumBanks() == 1
        && r.getDataBuffer().getOffset() == 0;
  }

  private static int[] fromPackedInts(Raster r, DirectColorModel cm, int w, int h) {
    if (!(r.getDataBuffer() instanceof DataBufferInt db)
        || !(r.getSampleModel() instanceof SinglePixelPackedSampleModel sm)
        || sm.getScanlineStride() != w
        || cm.getRedMask() != 0x00FF0000
        || cm.getGreenMask() != 0x0000FF00
        || cm.getBlueMask() != 0x000000FF
        || !cm.getColorSpace().isCS_sRGB()) {
      return null;
    }
    int[] data = db.getData();
    if (data.length != w * h) {
      return null;
    }
    if (cm.getAlphaMask() == 0xFF000000) {
      return data;
    }
    if (cm.getAlphaMask() != 0) {
      return null;
    }
    for (int i = 0; i < data.length; i++) {
      data[i] |= 0xFF000000;
    }
    return data;
  }

  private static int[] fromInterleavedBytes(Raster r, ColorModel cm, int w, int h) {
    if (!(r.getDataBuffer() instanceof DataBufferByte db)
        || !(r.getSampleModel() instanceof PixelInterleavedSampleModel sm)) {
      return null;
    }
    int bands = sm.getNumBands();
    for (int bits : cm.getComponentSize()) {
      if (bits != 8) {
        return null;
      }
    }
    int colourType = cm.getColorSpace().getType();
    boolean grey = colourType == ColorSpace.TYPE_GRAY && (bands == 1 || bands == 2);
    boolean rgb = cm.getColorSpace().isCS_sRGB() && (bands == 3 || bands == 4);
    if (!grey && !rgb) {
      return null;
    }
    byte[] d = db.getData();
    int[] off = sm.getBandOffsets();
    int step = sm.getPixelStride();
    int stride = sm.getScanlineStride();
    int[] out = new int[w * h];
    if (rgb && bands == 3 && step == 3) {
      return fromRgbTriples(d, off, stride, w, h, out);
    }
    int o = 0;
    for (int y = 0; y < h; y++) {
      int p = y * stride;
      for (int x = 0; x < w; x++, p += step) {
        int pixel;
        if (grey) {
          int v = d[p + off[0]] & 0xFF;
          int a = bands == 2 ? d[p + off[1]] & 0xFF : 0xFF;
          pixel = a << 24 | v << 16 | v << 8 | v;
        } else {
          int a = bands == 4 ? d[p + off[3]] & 0xFF : 0xFF;
          pixel =
              a << 24
                  | (d[p + off[0]] & 0xFF) << 16
                  | (d[p + off[1]] & 0xFF) << 8
                  | (d[p + off[2]] & 0xFF);
        }
        out[o++] = pixel;
      }
    }
    return out;
  }

  /** 3-byte RGB pixels in any band order; the JPEG decoder's tight BGR rows the fast way. */
  private static int[] fromRgbTriples(byte[] d, int[] off, int stride, int w, int h, int[] out) {
    // The JPEG decoder's 3-byte BGR, the common case: one tight loop.
    int o0 = off[0];
    int o1 = off[1];
    int o2 = off[2];
    if (o0 == 2 && o1 == 1 && o2 == 0 && stride == w * 3) {
      // Blue, green, red, then the next pixel's blue: one little-endian int load is the pixel
      // once its top byte is set to opaque. The last pixel has no next byte: read it alone.
      int n = w * h - 1;
      for (int i = 0, p = 0; i < n; i++, p += 3) {
        out[i] = 0xFF000000 | (int) INT_LE.get(d, p);
      }
      int p = n * 3;
      out[n] = 0xFF000000 | (d[p + 2] & 0xFF) << 16 | (d[p + 1] & 0xFF) << 8 | (d[p] & 0xFF);
      return out;
    }
    for (int y = 0, o = 0; y < h; y++) {
      for (int x = 0, p = y * stride; x < w; x++, p += 3) {
        out[o++] =
            0xFF000000 | (d[p + o0] & 0xFF) << 16 | (d[p + o1] & 0xFF) << 8 | (d[p + o2] & 0xFF);
      }
    }
    return out;
  }

  /** 16-bit grey or grey+alpha (PNG, TIFF), scaled to 8 bits with rounding; else null. */
  private static int[] fromInterleavedGreyShorts(Raster r, ColorModel cm, int w, int h) {
    if (!(r.getDataBuffer() instanceof DataBufferUShort db)
        || !(r.getSampleModel() instanceof PixelInterleavedSampleModel sm)
        || cm.getColorSpace().getType() != ColorSpace.TYPE_GRAY) {
      return null;
    }
    int bands = sm.getNumBands();
    if (bands != 1 && bands != 2) {
      return null;
    }
    for (int bits : cm.getComponentSize()) {
      if (bits != 16) {
        return null;
      }
    }
    short[] d = db.getData();
    int[] off = sm.getBandOffsets();
    int step = sm.getPixelStride();
    int stride = sm.getScanlineStride();
    int[] out = new int[w * h];
    int o = 0;
    for (int y = 0; y < h; y++) {
      int p = y * stride;
      for (int x = 0; x < w; x++, p += step) {
        int v = to8(d[p + off[0]]);
        int a = bands == 2 ? to8(d[p + off[1]]) : 0xFF;
        out[o++] = a << 24 | v << 16 | v << 8 | v;
      }
    }
    return out;
  }

  private static int to8(short sample) {
    return ((sample & 0xFFFF) * 255 + 32767) / 65535;
  }

  private static int[] fromPalette(Raster r, IndexColorModel cm, int w, int h) {
    if (!(r.getDataBuffer() instanceof DataBufferByte db)
        || !(r.getSampleModel() instanceof PixelInterleavedSampleModel sm)
        || sm.getNumBands() != 1
        || sm.getPixelStride() != 1
        || !cm.getColorSpace().isCS_sRGB()) {
      return null;
    }
    int[] lut = new int[256];
    cm.getRGBs(lut);
    byte[] d = db.getData();
    int stride = sm.getScanlineStride();
    int base = sm.getBandOffsets()[0];
    int[] out = new int[w * h];
    int o = 0;
    for (int y = 0; y < h; y++) {
      int p = y * stride + base;
      for (int x = 0; x < w; x++) {
        out[o++] = lut[d[p++] & 0xFF];
      }
    }
    return out;
  }

  private static boolean anyTranslucent(int[] argb) {
    for (int p : argb) {
      if (p >>> 24 != 0xFF) {
        return true;
      }
    }
    return false;
  }

  /**
   * An INT_ARGB (if {@code keepAlpha} and the pixels have alpha) or INT_RGB image sharing {@code
   * pixels}' array: no copy. Writers only read it.
   */
  static BufferedImage wrap(Pixels pixels, boolean keepAlpha) {
    int w = pixels.width();
    int h = pixels.height();
    DataBufferInt buffer = new DataBufferInt(pixels.argb(), w * h);
    if (keepAlpha && pixels.alpha()) {
      WritableRaster raster = Raster.createPackedRaster(buffer, w, h, w, ARGB_MASKS, null);
      return new BufferedImage(ColorModel.getRGBdefault(), raster, false, null);
    }
    WritableRaster raster = Raster.createPackedRaster(buffer, w, h, w, RGB_MASKS, null);
    return new BufferedImage(
        new DirectColorModel(24, RGB_MASKS[0], RGB_MASKS[1], RGB_MASKS[2]), raster, false, null);
  }

  /**
   * A TYPE_3BYTE_BGR copy of opaque {@code pixels}: the JPEG writer encodes it without the
   * per-pixel colour conversion it does for packed ints.
   */
  static BufferedImage bgr(Pixels pixels) {
    int w = pixels.width();
    int h = pixels.height();
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    byte[] d = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    int[] src = pixels.argb();
    for (int i = 0, p = 0; i < src.length; i++, p += 3) {
      int c = src[i];
      d[p] = (byte) c;
      d[p + 1] = (byte) (c >>> 8);
      d[p + 2] = (byte) (c >>> 16);
    }
    return image;
  }

  /**
   * A one-channel image of {@code pixels} if every pixel is grey (red = green = blue), else null: a
   * grey photo written as JPEG then takes one channel, not three.
   */
  static BufferedImage grayOrNull(Pixels pixels) {
    int[] src = pixels.argb();
    for (int c : src) {
      int r = (c >>> 16) & 0xFF;
      if (r != ((c >>> 8) & 0xFF) || r != (c & 0xFF)) {
        return null;
      }
    }
    BufferedImage image =
        new BufferedImage(pixels.width(), pixels.height(), BufferedImage.TYPE_BYTE_GRAY);
    byte[] d = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < src.length; i++) {
      d[i] = (byte) src[i];
    }
    return image;
  }

  /** An opaque copy of {@code pixels}, translucent pixels composited on white. */
  static Pixels onWhite(Pixels pixels) {
    if (!pixels.alpha()) {
      return pixels;
    }
    int[] src = pixels.argb();
    int[] out = new int[src.length];
    for (int i = 0; i < src.length; i++) {
      int p = src[i];
      int a = p >>> 24;
      if (a == 0xFF) {
        out[i] = p;
        continue;
      }
      int inv = 255 - a;
      int r = ((p >> 16 & 0xFF) * a + 255 * inv + 127) / 255;
      int g = ((p >> 8 & 0xFF) * a + 255 * inv + 127) / 255;
      int b = ((p & 0xFF) * a + 255 * inv + 127) / 255;
      out[i] = 0xFF000000 | r << 16 | g << 8 | b;
    }
    return new Pixels(pixels.width(), pixels.height(), out, false);
  }
}
