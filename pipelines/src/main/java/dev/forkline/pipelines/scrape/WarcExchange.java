package dev.forkline.pipelines.scrape;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.netpreserve.jwarc.WarcTruncationReason;

/**
 * One hop's HTTP exchange as it went over the wire, for its WARC {@code request} and {@code
 * response} records: the request line and headers as sent, the status line and headers as received,
 * and the body's bytes as they came (before gzip or deflate decoding).
 *
 * @param uri the hop's URL (the records' {@code WARC-Target-URI})
 * @param date when the request was sent
 * @param ip the server's address; null through a proxy or when unknown
 * @param requestHead the request line, headers and the empty line
 * @param responseHead the status line, headers and the empty line
 * @param body the body's bytes as received; only the first {@code bodyLength} count
 * @param bodyLength how many bytes of {@code body} were received
 * @param truncated why the body is not whole, or null when it is
 */
record WarcExchange(
    URI uri,
    Instant date,
    InetAddress ip,
    byte[] requestHead,
    byte[] responseHead,
    byte[] body,
    int bodyLength,
    WarcTruncationReason truncated) {

  /** A response header that would misframe the recorded body: bodies are recorded de-chunked. */
  static final String RENAMED_TRANSFER_ENCODING = "X-Crawler-Transfer-Encoding";

  /**
   * What one hop's call captures, attached to its request as a tag: the interceptor fills in the
   * request as sent, the fetcher the response and the body as read. Used by one thread at a time
   * (the fetching thread, and OkHttp's interceptor on it); fields are volatile for the handover.
   */
  static final class Capture {
    private final long maxBody;
    private volatile byte[] requestHead;
    private volatile InetAddress ip;
    private volatile Instant sentAt;
    private Response response;
    private Buffer teed;
    private byte[] identity;
    private int identityLength;
    private WarcTruncationReason truncated;

    /** A capture keeping at most {@code maxBody} bytes of the body as received. */
    Capture(long maxBody) {
      this.maxBody = maxBody;
    }

    /** The answer's status and headers arrived. */
    void answered(Response response) {
      this.response = response;
    }

    boolean hasResponse() {
      return response != null;
    }

    /**
     * Bytes of the body as they came off the connection (a coded body, read through a decoder);
     * past the limit they are dropped and the record is marked truncated.
     */
    void received(byte[] b, int off, int len) {
      if (len <= 0) {
        return;
      }
      if (teed == null) {
        teed = new Buffer(Math.min(len * 2, 64 * 1024));
      }
      long room = maxBody - teed.size();
      if (room < len) {
        truncated(WarcTruncationReason.LENGTH);
      }
      if (room > 0) {
        teed.write(b, off, (int) Math.min(room, len));
      }
    }

    /**
     * A body without Content-Encoding: the bytes kept are the bytes received, shared, not copied.
     */
    void receivedAll(byte[] body, int length) {
      this.identity = body;
      this.identityLength = length;
    }

    /** The body is not whole: the first reason given stays. */
    void truncated(WarcTruncationReason reason) {
      if (truncated == null) {
        truncated = reason;
      }
    }

    /** The hop as recorded; call once the body was read (or given up). */
    WarcExchange exchange(URI uri) {
      byte[] body;
      int length;
      if (identity != null) {
        body = identity;
        length = identityLength;
      } else if (teed != null) {
        body = teed.array(); // not copied: the capture is done with it
        length = teed.size();
      } else {
        body = new byte[0];
        length = 0;
      }
      byte[] request =
          requestHead != null
              ? requestHead
              : head(requestLine(response.request()), response.request().headers(), -1);
      Response wire = response.networkResponse() != null ? response.networkResponse() : response;
      byte[] head =
          head(statusLine(wire.protocol(), wire.code(), wire.message()), wire.headers(), length);
      return new WarcExchange(
          uri,
          sentAt != null ? sentAt : Instant.ofEpochMilli(response.sentRequestAtMillis()),
          ip,
          request,
          head,
          body,
          length,
          truncated);
    }
  }

  /**
   * A byte buffer whose array is handed on as it is, without the copy {@code toByteArray} makes.
   */
  private static final class Buffer extends ByteArrayOutputStream {
    Buffer(int size) {
      super(size);
    }

    byte[] array() {
      return buf;
    }
  }

  /**
   * The network interceptor that records each request as OkHttp writes it (with the Host,
   * Connection and other headers OkHttp adds) and the server's address, into the request's {@link
   * Capture}. It runs before the proxy's credentials are added, so they are never recorded.
   */
  static final class Recorder implements Interceptor {
    @Override
    public Response intercept(Chain chain) throws IOException {
      Request request = chain.request();
      Capture capture = request.tag(Capture.class);
      if (capture != null) {
        capture.sentAt = Instant.now();
        okhttp3.Connection connection = chain.connection();
        Protocol protocol = connection == null ? Protocol.HTTP_1_1 : connection.protocol();
        capture.requestHead = head(requestLine(request, protocol), request.headers(), -1);
        capture.ip = null;
        if (connection != null && connection.route().proxy().type() == Proxy.Type.DIRECT) {
          InetSocketAddress address = connection.route().socketAddress();
          capture.ip = address.getAddress();
        }
      }
      return chain.proceed(request);
    }
  }

  private static String requestLine(Request request) {
    return requestLine(request, Protocol.HTTP_1_1);
  }

  private static String requestLine(Request request, Protocol protocol) {
    HttpUrl url = request.url();
    String target =
        url.encodedPath() + (url.encodedQuery() == null ? "" : "?" + url.encodedQuery());
    return request.method() + " " + target + " " + version(protocol);
  }

  private static String statusLine(Protocol protocol, int code, String message) {
    return version(protocol)
        + " "
        + code
        + (message == null || message.isEmpty() ? "" : " " + message);
  }

  private static String version(Protocol protocol) {
    return protocol == Protocol.HTTP_1_0 ? "HTTP/1.0" : "HTTP/1.1";
  }

  /**
   * A message head: the first line, the headers in their order and the empty line. With {@code
   * bodyLength} at 0 or more (a response), a Transfer-Encoding header is renamed and a
   * Content-Length of the recorded body added, since the body is recorded de-chunked.
   */
  private static byte[] head(String firstLine, Headers headers, long bodyLength) {
    StringBuilder s = new StringBuilder(firstLine.length() + headers.size() * 40);
    s.append(firstLine).append("\r\n");
    boolean chunked = false;
    boolean hasLength = false;
    for (int i = 0; i < headers.size(); i++) {
      String name = headers.name(i);
      if (bodyLength >= 0 && name.equalsIgnoreCase("Transfer-Encoding")) {
        name = RENAMED_TRANSFER_ENCODING;
        chunked = true;
      } else if (name.equalsIgnoreCase("Content-Length")) {
        hasLength = true;
      }
      s.append(name).append(": ").append(headers.value(i)).append("\r\n");
    }
    if (chunked && !hasLength) {
      s.append("Content-Length: ").append(bodyLength).append("\r\n");
    }
    s.append("\r\n");
    return s.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WarcExchange e
        && uri.equals(e.uri)
        && date.equals(e.date)
        && Arrays.equals(requestHead, e.requestHead)
        && Arrays.equals(responseHead, e.responseHead)
        && Arrays.equals(body, 0, bodyLength, e.body, 0, e.bodyLength);
  }

  @Override
  public int hashCode() {
    return uri.hashCode() * 31 + date.hashCode();
  }

  @Override
  public String toString() {
    return "WarcExchange["
        + uri
        + ", "
        + bodyLength
        + " body bytes"
        + (truncated == null ? "" : ", truncated: " + truncated)
        + "]";
  }
}
