package dev.forkline.workers.image;

import dev.forkline.workers.kernel.Kernel;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The CPU work of the image-filter pipeline's transform stage, as a kernel that runs in a worker
 * JVM or in the pipeline's own. This version reads the format and size from the header and applies
 * the pixel limit; with no filters yet, the image's bytes are its output.
 *
 * <p>An image that cannot be processed (corrupt, unsupported, too large) is an answer, not an
 * exception: the reply carries its failure kind, the same on every executor. Exceptions are left
 * for bugs.
 */
public final class TransformKernel implements Kernel {
  public static final String NAME = "image.transform";

  private static final byte OK = 0;
  private static final byte FAILED = 1;

  @Override
  public String name() {
    return NAME;
  }

  /** A request: the pixel limit and the file's bytes. */
  public static byte[] request(long maxPixels, byte[] data) {
    return ByteBuffer.allocate(Long.BYTES + data.length).putLong(maxPixels).put(data).array();
  }

  @Override
  public byte[] apply(byte[] request) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(request);
    long maxPixels = in.getLong();
    byte[] data = new byte[in.remaining()];
    in.get(data);
    ImageProbe.Info info;
    try {
      info = new ImageProbe(maxPixels).probe(data);
    } catch (ImageException e) {
      return failed(e.kind().label(), e.getMessage());
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(data.length + 64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(OK);
      out.writeUTF(info.format());
      out.writeInt(info.width());
      out.writeInt(info.height());
      out.writeUTF(info.format());
      out.writeInt(info.width());
      out.writeInt(info.height());
      out.writeInt(data.length);
      out.write(data);
    }
    return bytes.toByteArray();
  }

  private static byte[] failed(String kind, String message) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FAILED);
      out.writeUTF(kind);
      out.writeUTF(message == null ? kind : truncate(message));
    }
    return bytes.toByteArray();
  }

  private static String truncate(String message) {
    return message.length() > 4000 ? message.substring(0, 4000) + "..." : message;
  }

  /** A decoded reply: the image's format and size in and out and its bytes, or a failure. */
  public record Reply(
      String failureKind,
      String failureMessage,
      String formatIn,
      int widthIn,
      int heightIn,
      String formatOut,
      int widthOut,
      int heightOut,
      byte[] data) {

    public boolean ok() {
      return failureKind == null;
    }

    public static Reply decode(byte[] reply) throws IOException {
      DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(reply));
      byte status = in.readByte();
      if (status == FAILED) {
        return new Reply(in.readUTF(), in.readUTF(), null, 0, 0, null, 0, 0, null);
      }
      if (status != OK) {
        throw new IOException("not a reply of " + NAME + ": status byte " + status);
      }
      String formatIn = in.readUTF();
      int widthIn = in.readInt();
      int heightIn = in.readInt();
      String formatOut = in.readUTF();
      int widthOut = in.readInt();
      int heightOut = in.readInt();
      byte[] data = new byte[in.readInt()];
      in.readFully(data);
      return new Reply(
          null, null, formatIn, widthIn, heightIn, formatOut, widthOut, heightOut, data);
    }
  }
}
