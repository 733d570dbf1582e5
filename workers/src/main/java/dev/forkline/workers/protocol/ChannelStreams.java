package dev.forkline.workers.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Unbuffered streams over a blocking socket channel that one thread may read while another writes.
 * ({@code Channels.newInputStream} and {@code newOutputStream} lock the channel's blocking lock
 * around every call on JDK 17, so a blocked read stalls every write.)
 */
public final class ChannelStreams {

  private ChannelStreams() {}

  public static InputStream in(SocketChannel channel) {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
          return 0;
        }
        int n;
        do {
          n = channel.read(ByteBuffer.wrap(bytes, offset, length));
        } while (n == 0);
        return n;
      }
    };
  }

  public static OutputStream out(SocketChannel channel) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
    };
  }
}
