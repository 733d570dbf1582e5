package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.exec.StageException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import okhttp3.ResponseBody;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads an answer's body on the calling thread, decoding gzip and deflate here (OkHttp's own
 * decoding would not cap the decoded size), so {@code max-body} counts decoded bytes.
 */
final class BodyReader {
  private BodyReader() {}

  /** The bytes of a body and whether it was cut at the limit. */
  record Body(byte[] bytes, boolean truncated) {}

  /**
   * Reads a body on this thread, decoding gzip/deflate, keeping at most {@code max} decoded bytes.
   * At the deadline, or when the thread is interrupted, the read ends and the connection is closed.
   * Always closes the answer.
   *
   * @param failIfLarger fail {@code too-large} past {@code max} instead of truncating
   */
  static Body read(FetchHttp.Answer answer, long max, boolean failIfLarger, long deadline)
      throws StageException, InterruptedException {
    URI url = answer.uri();
    ResponseBody body = answer.body();
    String encoding = encoding(answer);
    WarcExchange.Capture capture = answer.capture();
    boolean identity = encoding.isEmpty() || encoding.equals("identity");
    Source source = new Source(body.byteStream(), identity ? null : capture);
    InputStream in = null;
    byte[] buf = null;
    int n = 0;
    try {
      in = decoding(source, encoding, answer);
      long length = body.contentLength();
      int first =
          (int)
              Math.min(
                  max + 1,
                  encoding.isEmpty() && length >= 0 && length < (1 << 26) ? length + 1 : 64 * 1024);
      buf = new byte[Math.max(first, 1)];
      while (n <= max) {
        if (n == buf.length) {
          buf = Arrays.copyOf(buf, (int) Math.min(max + 1, (long) buf.length * 2));
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      if (Thread.currentThread().isInterrupted()) {
        throw interruptedReading(url);
      }
      Body read;
      if (n > max) {
        if (capture != null) {
          capture.truncated(org.netpreserve.jwarc.WarcTruncationReason.LENGTH);
        }
        if (failIfLarger) {
          if (capture != null && identity) {
            capture.receivedAll(buf, (int) max);
          }
          throw new StageException(
              FetchKind.TOO_LARGE,
              url + ": the body is larger than the limit of " + max + " bytes (decoded)");
        }
        read = new Body(Arrays.copyOf(buf, (int) max), true);
      } else {
        read = new Body(n == buf.length ? buf : Arrays.copyOf(buf, n), false);
      }
      if (capture != null && identity) {
        capture.receivedAll(read.bytes(), read.bytes().length); // the same array: no copy
      }
      return read;
    } catch (IOException | RuntimeException e) {
      if (capture != null) {
        if (identity && buf != null) {
          capture.receivedAll(buf, (int) Math.min(n, max));
        }
        capture.truncated(
            System.nanoTime() - deadline >= 0
                ? org.netpreserve.jwarc.WarcTruncationReason.TIME
                : org.netpreserve.jwarc.WarcTruncationReason.DISCONNECT);
      }
      throw readFailed(answer, source, in, encoding, e, deadline);
    } finally {
      if (in != null && in != source) {
        try {
          in.close(); // ends the decoder's native memory now, not at a GC
        } catch (IOException e) {
          // the answer is closed below either way
        }
      }
      answer.close();
    }
  }

  /**
   * Reads the body of an answer that is not a page (a redirect, an error) as it comes, undecoded,
   * into the answer's capture for the WARC records: at most {@code max} bytes, until the deadline.
   * A body that cannot be read whole is recorded as far as it came, marked truncated; the fetch
   * goes on as if it had not been read. Always closes the answer.
   */
  static void readForRecord(FetchHttp.Answer answer, long max, long deadline)
      throws InterruptedException {
    WarcExchange.Capture capture = answer.capture();
    try (InputStream in = answer.body().byteStream()) {
      byte[] buf = new byte[8 * 1024];
      long left = max + 1;
      int r;
      while (left > 0 && (r = in.read(buf, 0, (int) Math.min(buf.length, left))) >= 0) {
        capture.received(buf, 0, r);
        left -= r;
      }
    } catch (IOException | RuntimeException e) {
      answer.call().cancel();
      capture.truncated(
          System.nanoTime() - deadline >= 0
              ? org.netpreserve.jwarc.WarcTruncationReason.TIME
              : org.netpreserve.jwarc.WarcTruncationReason.DISCONNECT);
    } finally {
      answer.close();
    }
    if (Thread.interrupted()) {
      throw interruptedReading(answer.uri());
    }
  }

  /**
   * What a failed read of {@code answer}'s body fails with: the decoder's refusal of bytes that
   * arrived is {@code bad-response}, else the deadline or the connection's failure. Cancels the
   * call.
   */
  private static StageException readFailed(
      FetchHttp.Answer answer,
      Source source,
      InputStream in,
      String encoding,
      Exception e,
      long deadline)
      throws InterruptedException {
    URI url = answer.uri();
    boolean timedOut = System.nanoTime() - deadline >= 0 || answer.call().isCanceled();
    answer.call().cancel();
    if (Thread.interrupted()) {
      throw interruptedReading(url);
    }
    if (source.failure == null && in != source) {
      // The bytes arrived; the decoder refused them (a bad header, a bad CRC, garbage after).
      return new StageException(
          FetchKind.BAD_RESPONSE,
          url + ": the body is not valid " + encoding + ": " + FetchFailures.describe(e));
    }
    if (timedOut) {
      return FetchFailures.timeout(url, "reading the body");
    }
    return FetchFailures.failure(url, source.failure != null ? source.failure : e, deadline);
  }

  /**
   * The body as it arrives, remembering a failure of the connection (not of a decoder on it), and
   * handing the bytes to a WARC capture when there is one (a coded body: what the decoder reads).
   */
  private static final class Source extends FilterInputStream {
    IOException failure;
    private final WarcExchange.Capture capture;

    Source(InputStream in, WarcExchange.Capture capture) {
      super(in);
      this.capture = capture;
    }

    @Override
    public int read() throws IOException {
      try {
        int b = super.read();
        if (b >= 0 && capture != null) {
          capture.received(new byte[] {(byte) b}, 0, 1);
        }
        return b;
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        int r = super.read(b, off, len);
        if (r > 0 && capture != null) {
          capture.received(b, off, r);
        }
        return r;
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }
  }

  private static InterruptedException interruptedReading(URI url) {
    Thread.interrupted(); // a method that throws InterruptedException clears the flag
    return new InterruptedException("interrupted while reading the body of " + url);
  }

  private static InputStream decoding(Source raw, String encoding, FetchHttp.Answer answer)
      throws IOException, StageException {
    switch (encoding) {
      case "", "identity":
        return raw;
      case "gzip", "x-gzip":
        {
          // Members are decoded in a loop (the JDK's GZIPInputStream recurses once per member).
          PushbackInputStream in = new PushbackInputStream(raw, 1);
          int first = in.read();
          if (first < 0) {
            return in; // an empty body, whatever its header says
          }
          in.unread(first);
          return new GzipCompressorInputStream(in, true);
        }
      case "deflate":
        {
          // "deflate" is zlib-wrapped by the spec, raw deflate by some servers: look at the header.
          PushbackInputStream in = new PushbackInputStream(raw, 1);
          int first = in.read();
          if (first < 0) {
            return in;
          }
          in.unread(first);
          Inflater inflater = new Inflater((first & 0x0f) != 8);
          return new InflaterInputStream(in, inflater, 16 * 1024) {
            @Override
            public void close() throws IOException {
              inflater.end(); // an InflaterInputStream ends only an Inflater of its own
              super.close();
            }
          };
        }
      default:
        throw new StageException(
            FetchKind.BAD_RESPONSE,
            answer.uri()
                + ": Content-Encoding '"
                + encoding
                + "' is not supported; gzip, deflate and identity are");
    }
  }

  private static String encoding(FetchHttp.Answer answer) {
    return answer.header("Content-Encoding").orElse("").toLowerCase(Locale.ROOT);
  }
}
