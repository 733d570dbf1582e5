package dev.forkline.workers.protocol;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * The wire format: each message is one length-prefixed frame.
 *
 * <pre>
 * int32 length   bytes that follow, 9 .. maxFrameBytes
 * int8  type     1 hello, 2 request, 3 ok response, 4 error response
 * int64 id       request id (0 in a hello)
 * hello:    int32 version, int32 workerId, int64 pid
 * request:  string kernel, then the payload (the rest of the frame)
 * ok:       int64 workerNanos, then the payload (the rest of the frame)
 * error:    int64 workerNanos, string class, string message, string stack trace
 * string:   int32 length in bytes (-1 for null), UTF-8 bytes
 * </pre>
 *
 * Callers buffer the streams and flush after a frame (or a batch of frames). Not thread-safe: one
 * writer and one reader per stream.
 */
public final class Frames {

  /** The protocol version a hello carries. */
  public static final int VERSION = 1;

  /** The largest frame accepted by default: 256 MiB. */
  public static final int MAX_FRAME_BYTES = 256 << 20;

  /** Bytes of a frame that are not payload, besides the kernel name: length, type, id. */
  static final int HEADER_BYTES = 1 + 8;

  /** Stack traces and messages are cut to this many characters. */
  static final int MAX_TEXT_CHARS = 64 * 1024;

  private static final byte HELLO = 1;
  private static final byte REQUEST = 2;
  private static final byte OK = 3;
  private static final byte ERROR = 4;

  private Frames() {}

  /** Writes one frame (without flushing). */
  public static void write(DataOutputStream out, Message message) throws IOException {
    if (message instanceof Message.Hello hello) {
      out.writeInt(HEADER_BYTES + 16);
      out.writeByte(HELLO);
      out.writeLong(0);
      out.writeInt(hello.version());
      out.writeInt(hello.workerId());
      out.writeLong(hello.pid());
    } else if (message instanceof Message.Request request) {
      byte[] kernel = request.kernel().getBytes(StandardCharsets.UTF_8);
      out.writeInt(checkedLength(HEADER_BYTES + 4L + kernel.length + request.payload().length));
      out.writeByte(REQUEST);
      out.writeLong(request.id());
      writeBytes(out, kernel);
      out.write(request.payload());
    } else if (message instanceof Message.Response response && response.ok()) {
      out.writeInt(checkedLength(HEADER_BYTES + 8L + response.payload().length));
      out.writeByte(OK);
      out.writeLong(response.id());
      out.writeLong(response.workerNanos());
      out.write(response.payload());
    } else if (message instanceof Message.Response response) {
      byte[] errorClass = utf8(response.errorClass());
      byte[] errorMessage = utf8(response.errorMessage());
      byte[] stackTrace = utf8(response.stackTrace());
      out.writeInt(
          checkedLength(
              HEADER_BYTES
                  + 8L
                  + 12L
                  + length(errorClass)
                  + length(errorMessage)
                  + length(stackTrace)));
      out.writeByte(ERROR);
      out.writeLong(response.id());
      out.writeLong(response.workerNanos());
      writeBytes(out, errorClass);
      writeBytes(out, errorMessage);
      writeBytes(out, stackTrace);
    }
  }

  /**
   * Reads one frame.
   *
   * @return the message, or null at a clean end of stream (between frames)
   * @throws IOException if the stream ends inside a frame or a frame is malformed or longer than
   *     {@code maxFrameBytes}
   */
  public static Message read(DataInputStream in, int maxFrameBytes) throws IOException {
    int first = in.read();
    if (first < 0) {
      return null;
    }
    try {
      int length = (first << 24) | (in.readUnsignedByte() << 16) | in.readUnsignedShort();
      if (length < HEADER_BYTES || length > maxFrameBytes) {
        throw new IOException(
            "bad frame length "
                + Integer.toUnsignedString(length)
                + " (accepted: "
                + HEADER_BYTES
                + " to "
                + maxFrameBytes
                + " bytes): the stream is corrupt or a payload is too large");
      }
      byte type = in.readByte();
      long id = in.readLong();
      int rest = length - HEADER_BYTES;
      switch (type) {
        case HELLO:
          expect(rest == 16, "hello frame of " + length + " bytes");
          return new Message.Hello(in.readInt(), in.readInt(), in.readLong());
        case REQUEST:
          {
            byte[] kernel = readBytes(in, rest);
            byte[] payload = new byte[rest - 4 - kernel.length];
            in.readFully(payload);
            return new Message.Request(id, new String(kernel, StandardCharsets.UTF_8), payload);
          }
        case OK:
          {
            expect(rest >= 8, "ok frame of " + length + " bytes");
            long nanos = in.readLong();
            byte[] payload = new byte[rest - 8];
            in.readFully(payload);
            return Message.Response.ok(id, nanos, payload);
          }
        case ERROR:
          return readError(in, id, length, rest);
        default:
          throw new IOException("unknown frame type " + type + ": the stream is corrupt");
      }
    } catch (EOFException e) {
      throw new IOException("the stream ended inside a frame", e);
    }
  }

  /** The body of an error frame: its time, exception class, message and stack trace. */
  private static Message readError(DataInputStream in, long id, int length, int rest)
      throws IOException {
    expect(rest >= 20, "error frame of " + length + " bytes");
    long nanos = in.readLong();
    rest -= 8;
    byte[] errorClass = readBytes(in, rest);
    rest -= 4 + length(errorClass);
    byte[] errorMessage = readBytes(in, rest);
    rest -= 4 + length(errorMessage);
    byte[] stackTrace = readBytes(in, rest);
    rest -= 4 + length(stackTrace);
    expect(rest == 0, "error frame with " + rest + " trailing bytes");
    expect(errorClass != null, "error frame without an exception class");
    return new Message.Response(
        id, nanos, null, string(errorClass), string(errorMessage), string(stackTrace));
  }

  /** The stack trace of an error as text, cut to a sane length. */
  public static String stackTrace(Throwable error) {
    StringWriter text = new StringWriter();
    error.printStackTrace(new PrintWriter(text));
    return cut(text.toString());
  }

  private static String cut(String text) {
    return text == null || text.length() <= MAX_TEXT_CHARS
        ? text
        : text.substring(0, MAX_TEXT_CHARS) + "...";
  }

  private static int checkedLength(long length) throws IOException {
    if (length > MAX_FRAME_BYTES) {
      throw new IOException(
          "a frame of " + length + " bytes exceeds the limit of " + MAX_FRAME_BYTES + " bytes");
    }
    return (int) length;
  }

  private static byte[] utf8(String text) {
    return text == null ? null : cut(text).getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    if (bytes == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(bytes.length);
      out.write(bytes);
    }
  }

  /** Reads a length-prefixed byte string that must fit in {@code available} bytes. */
  private static byte[] readBytes(DataInputStream in, int available) throws IOException {
    expect(available >= 4, "frame too short for a string");
    int length = in.readInt();
    if (length == -1) {
      return null;
    }
    expect(
        length >= 0 && length <= available - 4,
        "string of " + length + " bytes in " + available + " bytes of frame");
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return bytes;
  }

  private static void expect(boolean condition, String what) throws IOException {
    if (!condition) {
      throw new IOException("malformed frame: " + what);
    }
  }
}
