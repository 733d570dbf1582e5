package dev.forkline.workers.image;

import dev.forkline.workers.image.codec.Decoded;
import dev.forkline.workers.image.codec.ImageMetadata;
import dev.forkline.workers.kernel.KernelMessages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A decoded reply: a failure (with what was decoded, if the failure came after decoding) or the
 * output image with its format, size, the filters applied and the time of each step.
 */
public record TransformReply(
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

  public static TransformReply decode(byte[] reply) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(reply));
    byte status = in.readByte();
    if (status == FAILED) {
      String kind = in.readUTF();
      String message = in.readUTF();
      return new TransformReply(kind, message, readSource(in), null, 0, 0, null, 0, 0, 0, null);
    }
    if (status != OK) {
      throw new IOException("not a reply of " + TransformKernel.NAME + ": status byte " + status);
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
    return new TransformReply(
        null, null, source, formatOut, widthOut, heightOut, applied, decode, filter, encode, data);
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

  static final byte OK = 0;
  static final byte FAILED = 1;

  /** A failed reply's bytes: its kind, message and what was decoded, if anything. */
  static byte[] failed(String kind, String message, Source source) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FAILED);
      out.writeUTF(kind);
      out.writeUTF(message == null ? kind : KernelMessages.truncate(message, 4000));
      writeSource(out, source);
    }
    return bytes.toByteArray();
  }

  /** An ok reply's bytes: the output image, its size, the filters applied, each step's time. */
  static byte[] ok(
      Source source,
      String format,
      Pixels pixels,
      String applied,
      long decodeNanos,
      long filterNanos,
      long encodeNanos,
      byte[] encoded)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length + 512);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(OK);
      writeSource(out, source);
      out.writeUTF(format);
      out.writeInt(pixels.width());
      out.writeInt(pixels.height());
      out.writeUTF(applied);
      out.writeLong(decodeNanos);
      out.writeLong(filterNanos);
      out.writeLong(encodeNanos);
      out.writeInt(encoded.length);
      out.write(encoded);
    }
    return bytes.toByteArray();
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
}
