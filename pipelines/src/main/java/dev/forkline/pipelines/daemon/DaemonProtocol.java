package dev.forkline.pipelines.daemon;

import dev.forkline.pipelines.cli.ExitCodes;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire format between {@link DaemonClient} and {@link Daemon}, over a Unix domain socket. JDK
 * classes and the workers' {@code ChannelStreams} only: the client loads this and nothing of Beam.
 *
 * <pre>
 * client -> daemon   int MAGIC, int VERSION, byte request (RUN, STATUS, STOP),
 *                    string cwd, boolean stderrIsTerminal, int n, n strings (the CLI's arguments)
 * daemon -> client   byte ACCEPTED or BUSY, int daemon pid,
 *                    then frames: byte OUT or ERR, int length, bytes; last: byte EXIT, int code
 * </pre>
 *
 * Strings are an int length and UTF-8 bytes. The client sends nothing after its request: the daemon
 * reads the end of the stream as "the client is gone".
 *
 * <p>The launcher's native client ({@code src/main/c/forkline_client.c}) speaks this format too,
 * for RUN: a change here is a change there, with {@link #VERSION} raised in both.
 */
final class DaemonProtocol {
  static final int MAGIC = 0x464b4c44; // "FKLD"
  static final int VERSION = 1;

  static final byte RUN = 1;
  static final byte STATUS = 2;
  static final byte STOP = 3;

  static final byte ACCEPTED = 10;
  static final byte BUSY = 11;

  static final byte OUT = 20;
  static final byte ERR = 21;
  static final byte EXIT = 22;

  /** Longest string or frame accepted; a request is a command line. */
  static final int MAX_STRING = 1 << 20;

  /** The client's exit code for "no daemon could take this run": the launcher runs it itself. */
  static final int UNAVAILABLE = ExitCodes.DAEMON_UNAVAILABLE;

  private DaemonProtocol() {}

  record Request(byte kind, String cwd, boolean stderrIsTerminal, List<String> args) {}

  static void writeRequest(DataOutputStream out, Request request) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeByte(request.kind());
    writeString(out, request.cwd());
    out.writeBoolean(request.stderrIsTerminal());
    out.writeInt(request.args().size());
    for (String arg : request.args()) {
      writeString(out, arg);
    }
    out.flush();
  }

  static Request readRequest(DataInputStream in) throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IOException("not a forkline client");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("client protocol version " + version + ", daemon " + VERSION);
    }
    byte kind = in.readByte();
    String cwd = readString(in);
    boolean terminal = in.readBoolean();
    int n = in.readInt();
    if (n < 0 || n > 10_000) {
      throw new IOException("bad argument count " + n);
    }
    List<String> args = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      args.add(readString(in));
    }
    return new Request(kind, cwd, terminal, args);
  }

  static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_STRING) {
      throw new IOException("bad string length " + n);
    }
    byte[] bytes = new byte[n];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The daemon's first answer to a request it takes: ACCEPTED and its pid. */
  static void writeAccepted(DataOutputStream out, long pid) throws IOException {
    synchronized (out) {
      out.writeByte(ACCEPTED);
      out.writeInt((int) pid);
      out.flush();
    }
  }

  /** Writes {@code len} bytes as OUT or ERR frames of at most 64 KiB, without flushing. */
  static void writeFrames(DataOutputStream out, byte type, byte[] b, int off, int len)
      throws IOException {
    synchronized (out) {
      for (int done = 0; done < len; ) {
        int n = Math.min(len - done, 1 << 16);
        out.writeByte(type);
        out.writeInt(n);
        out.write(b, off + done, n);
        done += n;
      }
    }
  }

  /** The last frame of an answer: EXIT and the exit code. */
  static void writeExit(DataOutputStream out, int code) throws IOException {
    synchronized (out) {
      out.writeByte(EXIT);
      out.writeInt(code);
      out.flush();
    }
  }

  /** Reads one frame's type, or -1 at the end of the stream. */
  static int readType(DataInputStream in) throws IOException {
    try {
      return in.readUnsignedByte();
    } catch (EOFException e) {
      return -1;
    }
  }

  /**
   * An output stream that sends what is written as frames of one type. Writers of both streams
   * share one lock, so frames never interleave.
   */
  static final class FrameStream extends OutputStream {
    private final DataOutputStream out;
    private final byte type;
    private volatile boolean broken;

    FrameStream(DataOutputStream out, byte type) {
      this.out = out;
      this.type = type;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len == 0 || broken) {
        return;
      }
      synchronized (out) {
        try {
          writeFrames(out, type, b, off, len);
          out.flush();
        } catch (IOException e) {
          // The client is gone; the daemon notices on its reading side and stops the run.
          broken = true;
        }
      }
    }

    @Override
    public void flush() {}
  }
}
