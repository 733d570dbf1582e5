package dev.forkline.pipelines.scrape;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.net.URI;
import java.util.List;

/**
 * A response whose status and headers have been read; its body is read from {@link #body()} on the
 * calling thread. {@link #close()} gives the connection back to its client when the body was read
 * to its end and the connection can carry another request, and closes it otherwise.
 */
final class Http1Response implements AutoCloseable {
  private static final int MAX_CHUNK_LINE = 4096;
  private static final int MAX_TRAILER_BYTES = 64 * 1024;

  /** What {@link #discard()} reads of an unwanted body to keep its connection, if it is there. */
  private static final int MAX_DRAIN = 64 * 1024;

  private static final long DRAIN_WAIT_NANOS = 100_000_000L;

  private enum Framing {
    LENGTH,
    CHUNKED,
    UNTIL_CLOSE
  }

  private final Http1Client client;
  private final Http1Connection connection;
  private final URI uri;
  private final int status;
  private final ResponseHeaders headers;
  private final Framing framing;
  private final boolean keepAlive;
  private final Body body = new Body();
  private long left; // LENGTH: bytes left; CHUNKED: bytes left in this chunk
  private boolean firstChunk = true;
  private boolean ended;
  private boolean released;
  private IOException failure;

  Http1Response(
      Http1Client client,
      Http1Connection connection,
      URI uri,
      String version,
      int status,
      ResponseHeaders headers,
      boolean noBody)
      throws ProtocolException {
    this.client = client;
    this.connection = connection;
    this.uri = uri;
    this.status = status;
    this.headers = headers;
    List<String> connectionTokens = headers.tokens("Connection");
    boolean persistent =
        version.equals("HTTP/1.1")
            ? !connectionTokens.contains("close")
            : connectionTokens.contains("keep-alive");
    List<String> codings = headers.tokens("Transfer-Encoding");
    List<String> lengths = headers.allValues("Content-Length");
    if (noBody) {
      framing = Framing.LENGTH;
      left = 0;
    } else if (!codings.isEmpty()) {
      // RFC 9112 6.3: chunked as the last coding frames the body; any other ends at the close.
      // Both a Transfer-Encoding and a Content-Length, or a Transfer-Encoding in HTTP/1.0 (RFC
      // 9112 6.1): the framing is suspect, and the connection is not used again.
      framing =
          codings.get(codings.size() - 1).equals("chunked") ? Framing.CHUNKED : Framing.UNTIL_CLOSE;
      persistent &= lengths.isEmpty() && version.equals("HTTP/1.1");
    } else if (!lengths.isEmpty()) {
      framing = Framing.LENGTH;
      left = contentLength(lengths);
    } else {
      framing = Framing.UNTIL_CLOSE;
    }
    this.keepAlive = persistent && framing != Framing.UNTIL_CLOSE;
    this.ended = framing == Framing.LENGTH && left == 0;
  }

  private static long contentLength(List<String> values) throws ProtocolException {
    long length = -1;
    for (String value : values) {
      for (String part : value.split(",")) {
        String v = part.strip();
        long n;
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new ProtocolException("Content-Length '" + value + "' is not a number of bytes");
        }
        n = Long.parseLong(v);
        if (length >= 0 && n != length) {
          throw new ProtocolException("the response has two different Content-Lengths: " + values);
        }
        length = n;
      }
    }
    return length;
  }

  URI uri() {
    return uri;
  }

  int statusCode() {
    return status;
  }

  ResponseHeaders headers() {
    return headers;
  }

  /**
   * The last failure of a read of the body, if any. A gzip decoder swallows the failure of its look
   * for a further member (a timeout, a reset) and reports the end of its data instead: a reader
   * through a decoder asks here before it takes the data as whole.
   */
  IOException bodyFailure() {
    return failure;
  }

  /** The body as sent (not decoded), framed: it ends where the response ends. */
  InputStream body() {
    return body;
  }

  /**
   * Done with the response without wanting the rest of its body: what of it has already arrived (up
   * to 64 KB) is read so the connection can be used again; a body still on its way is not waited
   * for, and its connection is closed.
   */
  void discard() {
    if (released) {
      return;
    }
    try {
      // What has arrived is read without waiting; a chunk line split across packets may wait a
      // little, never long.
      connection.shortenDeadline(System.nanoTime() + DRAIN_WAIT_NANOS);
      byte[] skip = new byte[8192];
      int drained = 0;
      while (!ended && drained < MAX_DRAIN && connection.available() > 0) {
        int n = body.read(skip, 0, skip.length);
        if (n < 0) {
          break;
        }
        drained += n;
      }
    } catch (IOException | RuntimeException e) {
      // the connection is closed below
    }
    close();
  }

  /** Releases the connection: back to the client if the body ended and it can be reused. */
  @Override
  public void close() {
    if (released) {
      return;
    }
    released = true;
    if (ended && keepAlive && !connection.isClosed() && !connection.hasPendingInput()) {
      client.release(connection);
    } else {
      connection.close();
    }
  }

  private final class Body extends InputStream {
    /**
     * At least 1 until the body ended: {@code GZIPInputStream} looks for a further gzip member only
     * when its source says more may come.
     */
    @Override
    public int available() throws IOException {
      if (released || ended) {
        return 0;
      }
      long buffered = connection.buffered();
      long framed = framing == Framing.UNTIL_CLOSE ? buffered : Math.min(buffered, left);
      return (int) Math.max(1, framed);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return framedRead(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    private int framedRead(byte[] b, int off, int len) throws IOException {
      if (released) {
        throw new IOException("the response was closed");
      }
      if (ended) {
        return -1;
      }
      switch (framing) {
        case LENGTH:
          {
            int n = connection.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
              throw new EOFException(
                  "the connection closed with " + left + " bytes of the body still to come");
            }
            left -= n;
            ended = left == 0;
            return n;
          }
        case CHUNKED:
          {
            if (left == 0 && !nextChunk()) {
              return -1;
            }
            if (len == 0) {
              return 0;
            }
            int n = connection.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
              throw new EOFException("the connection closed in the middle of a chunk");
            }
            left -= n;
            return n;
          }
        default:
          {
            int n = connection.read(b, off, len);
            if (n < 0) {
              ended = true;
            }
            return n;
          }
      }
    }

    /** Reads the next chunk's size line; false (and the trailers read) at the last chunk. */
    private boolean nextChunk() throws IOException {
      if (!firstChunk && !connection.readLine(2, "the end of a chunk").isEmpty()) {
        throw new ProtocolException("a chunk is longer than its size line says");
      }
      firstChunk = false;
      String line = connection.readLine(MAX_CHUNK_LINE, "a chunk size line");
      int semi = line.indexOf(';');
      String hex = (semi >= 0 ? line.substring(0, semi) : line).strip();
      if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(Http1Response::isHex)) {
        throw new ProtocolException("'" + line + "' is not a chunk size");
      }
      left = Long.parseLong(hex, 16);
      if (left > 0) {
        return true;
      }
      int trailers = 0;
      for (String t; !(t = connection.readLine(MAX_TRAILER_BYTES, "the trailers")).isEmpty(); ) {
        trailers += t.length() + 2;
        if (trailers > MAX_TRAILER_BYTES) {
          throw new ProtocolException(
              "the trailers are longer than " + MAX_TRAILER_BYTES + " bytes");
        }
      }
      ended = true;
      return false;
    }
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
