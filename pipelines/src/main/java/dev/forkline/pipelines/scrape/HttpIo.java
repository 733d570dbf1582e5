package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.exec.RetryableException;
import dev.forkline.pipelines.exec.StageException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The HTTP plumbing of the fetcher and the robots cache: one shared {@link Http1Client} per connect
 * timeout, requests bounded by a deadline, and bodies read on the calling thread with a cap and a
 * deadline (a server trickling bytes cannot hold the thread past it).
 */
final class HttpIo {
  private static final ConcurrentHashMap<Duration, Http1Client> CLIENTS = new ConcurrentHashMap<>();

  private HttpIo() {}

  /** Drops the clients and closes their idle connections (between runs in one JVM). */
  static void clear() {
    for (Http1Client client : CLIENTS.values()) {
      client.close();
    }
    CLIENTS.clear();
  }

  /** The JVM's client for this connect timeout. */
  static Http1Client client(Duration connectTimeout) {
    return CLIENTS.computeIfAbsent(connectTimeout, Http1Client::new);
  }

  /**
   * Sends a GET and waits for the status and headers until {@code deadline} ({@link
   * System#nanoTime}); the body is left unread.
   *
   * @throws StageException {@code timeout} at the deadline, {@code connect} (retryable) when the
   *     connection fails, {@code bad-response} when the answer is not HTTP
   * @throws InterruptedException when the thread is interrupted; the connection is closed
   */
  static Http1Response send(Http1Client client, URI url, String userAgent, long deadline)
      throws StageException, InterruptedException {
    if (deadline - System.nanoTime() <= 0) {
      throw timeout(url, "before the request was sent");
    }
    try {
      return client.get(url, userAgent, deadline);
    } catch (IOException e) {
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while waiting for " + url);
      }
      if (e instanceof SocketTimeoutException
          && !(e instanceof Http1Client.ConnectTimeoutException)) {
        throw timeout(url, "waiting for the response headers");
      }
      throw failure(url, e, deadline);
    }
  }

  /** The bytes of a body and whether it was cut at the limit. */
  record Body(byte[] bytes, boolean truncated) {}

  /**
   * Reads a body on this thread, decoding gzip/deflate, keeping at most {@code max} decoded bytes.
   * At {@code deadline}, or when the thread is interrupted, the read ends and the connection is
   * closed. Always releases the response.
   *
   * @param failIfLarger fail {@code too-large} past {@code max} instead of truncating
   */
  static Body readBody(Http1Response response, long max, boolean failIfLarger, long deadline)
      throws StageException, InterruptedException {
    URI url = response.uri();
    InputStream in = null;
    try {
      in = decoding(response.body(), response);
      byte[] buf = new byte[(int) Math.min(max + 1, 64 * 1024)];
      int n = 0;
      while (n <= max) {
        if (n == buf.length) {
          buf = Arrays.copyOf(buf, (int) Math.min(max + 1, (long) buf.length * 2));
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          IOException swallowed = response.bodyFailure();
          if (swallowed != null) {
            throw swallowed;
          }
          break;
        }
        n += r;
        if (Thread.currentThread().isInterrupted()) {
          throw interruptedReading(url);
        }
      }
      if (n > max) {
        if (failIfLarger) {
          throw new StageException(
              FetchKinds.TOO_LARGE,
              url + ": the body is larger than the limit of " + max + " bytes (decoded)");
        }
        return new Body(Arrays.copyOf(buf, (int) max), true);
      }
      return new Body(n == buf.length ? buf : Arrays.copyOf(buf, n), false);
    } catch (InterruptedIOException e) {
      if (Thread.currentThread().isInterrupted() || !(e instanceof SocketTimeoutException)) {
        throw interruptedReading(url);
      }
      throw timeout(url, "reading the body");
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw interruptedReading(url);
      }
      if (System.nanoTime() >= deadline) {
        throw timeout(url, "reading the body");
      }
      if (e instanceof ZipException) {
        throw new StageException(
            FetchKinds.BAD_RESPONSE,
            url + ": the body is not valid " + encoding(response) + ": " + e.getMessage());
      }
      throw failure(url, e, deadline);
    } finally {
      if (in != null && in != response.body()) {
        try {
          in.close(); // ends the decoder's native memory now, not at a GC
        } catch (IOException e) {
          // the response is released below either way
        }
      }
      response.discard();
    }
  }

  private static InterruptedException interruptedReading(URI url) {
    Thread.interrupted(); // a method that throws InterruptedException clears the flag
    return new InterruptedException("interrupted while reading the body of " + url);
  }

  /** Done with a response whose body is not needed (a redirect, an error status). */
  static void discard(Http1Response response) {
    response.discard();
  }

  private static InputStream decoding(InputStream raw, Http1Response response)
      throws IOException, StageException {
    String encoding = encoding(response);
    switch (encoding) {
      case "", "identity":
        return raw;
      case "gzip", "x-gzip":
        return new GZIPInputStream(raw, 16 * 1024);
      case "deflate":
        // "deflate" is zlib-wrapped by the spec, raw deflate by some servers: look at the header.
        java.io.PushbackInputStream in = new java.io.PushbackInputStream(raw, 1);
        int first = in.read();
        if (first < 0) {
          return in;
        }
        in.unread(first);
        boolean zlib = (first & 0x0f) == 8;
        Inflater inflater = new Inflater(!zlib);
        return new InflaterInputStream(in, inflater, 16 * 1024) {
          @Override
          public void close() throws IOException {
            inflater.end(); // an InflaterInputStream ends only an Inflater of its own
            super.close();
          }
        };
      default:
        throw new StageException(
            FetchKinds.BAD_RESPONSE,
            response.uri()
                + ": Content-Encoding '"
                + encoding
                + "' is not supported; gzip, deflate and identity are");
    }
  }

  private static String encoding(Http1Response response) {
    return response
        .headers()
        .firstValue("Content-Encoding")
        .orElse("")
        .strip()
        .toLowerCase(Locale.ROOT);
  }

  static StageException timeout(URI url, String when) {
    return new RetryableException(
        FetchKinds.TIMEOUT, url + ": the fetch ran out of its time " + when, null);
  }

  /** Maps an I/O failure of the client to a kind: connect failures and resets are retryable. */
  static StageException failure(URI url, Throwable t, long deadline) {
    if (t instanceof Http1Client.ConnectTimeoutException) {
      return new RetryableException(
          FetchKinds.CONNECT, url + ": connecting timed out (" + t.getMessage() + ")", null);
    }
    if (t instanceof SocketTimeoutException || System.nanoTime() >= deadline) {
      return timeout(url, "waiting for the server");
    }
    if (t instanceof ProtocolException) {
      return new StageException(
          FetchKinds.BAD_RESPONSE, url + ": the response is not valid HTTP: " + t.getMessage());
    }
    if (t instanceof SSLHandshakeException && causedBy(t, CertificateException.class)) {
      return new StageException(
          FetchKinds.CONNECT,
          url + ": the server's TLS certificate is not accepted (" + describe(t) + ")",
          t);
    }
    if (t instanceof UnknownHostException) {
      return new RetryableException(
          FetchKinds.CONNECT, url + ": the host name does not resolve (" + describe(t) + ")", null);
    }
    if (t instanceof ConnectException) {
      return new RetryableException(
          FetchKinds.CONNECT, url + ": could not connect (" + describe(t) + ")", null);
    }
    if (t instanceof EOFException) {
      return new RetryableException(
          FetchKinds.CONNECT, url + ": the connection closed early (" + describe(t) + ")", null);
    }
    if (t instanceof IOException) {
      return new RetryableException(
          FetchKinds.CONNECT, url + ": the connection failed (" + describe(t) + ")", null);
    }
    return new StageException(
        FetchKinds.BAD_RESPONSE, url + ": the request failed: " + describe(t), t);
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    if (message == null && t.getCause() != null) {
      message = t.getCause().toString();
    }
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
