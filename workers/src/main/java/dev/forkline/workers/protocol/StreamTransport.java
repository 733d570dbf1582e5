package dev.forkline.workers.protocol;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** A {@link WorkerLoop.Transport} over a pair of byte streams, buffered. */
public final class StreamTransport implements WorkerLoop.Transport {

  static final int BUFFER_BYTES = 64 * 1024;

  private final DataInputStream in;
  private final DataOutputStream out;
  private final int maxFrameBytes;
  private final AutoCloseable onClose;

  /**
   * @param onClose closes the underlying connection (both streams)
   */
  public StreamTransport(
      InputStream in, OutputStream out, int maxFrameBytes, AutoCloseable onClose) {
    this.in = new DataInputStream(new BufferedInputStream(in, BUFFER_BYTES));
    this.out = new DataOutputStream(new BufferedOutputStream(out, BUFFER_BYTES));
    this.maxFrameBytes = maxFrameBytes;
    this.onClose = onClose;
  }

  /** Writes and flushes a message other than a response (the hello). */
  public void send(Message message) throws IOException {
    Frames.write(out, message);
    out.flush();
  }

  @Override
  public Message.Request read() throws IOException {
    Message message = Frames.read(in, maxFrameBytes);
    if (message == null || message instanceof Message.Request) {
      return (Message.Request) message;
    }
    throw new IOException("expected a request frame, got " + message.getClass().getSimpleName());
  }

  @Override
  public void write(Message.Response response) throws IOException {
    Frames.write(out, response);
    out.flush();
  }

  @Override
  public void close() {
    try {
      onClose.close();
    } catch (Exception ignored) {
      // closing is best effort
    }
  }
}
