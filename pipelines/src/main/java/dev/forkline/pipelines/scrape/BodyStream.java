package dev.forkline.pipelines.scrape;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as an InputStream whose reads wait at most until a deadline and end at an
 * interrupt; either cancels the subscription, which closes the connection. Used instead of {@code
 * BodyHandlers.ofInputStream()}, whose stream in JDK 17 swallows interrupts while it waits for
 * data. One buffer list is requested at a time, so a fast server cannot fill memory.
 */
final class BodyStream extends InputStream implements Flow.Subscriber<List<ByteBuffer>> {
  /** The deadline passed while waiting for data. */
  static final class Expired extends IOException {
    private static final long serialVersionUID = 1L;

    Expired() {
      super("the deadline passed while reading the body");
    }
  }

  private static final Object END = new Object();

  private record Failed(Throwable cause) {}

  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final long deadline;
  private volatile Flow.Subscription subscription;
  private volatile boolean closed;
  private Iterator<ByteBuffer> buffers;
  private ByteBuffer current;
  private boolean ended;

  /**
   * @param deadline {@link System#nanoTime} after which a read fails with {@link Expired}
   */
  BodyStream(long deadline) {
    this.deadline = deadline;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (closed) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    queue.add(item);
  }

  @Override
  public void onError(Throwable t) {
    queue.add(new Failed(t));
  }

  @Override
  public void onComplete() {
    queue.add(END);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (current == null || !current.hasRemaining()) {
      if (closed) {
        throw new IOException("the body was closed");
      }
      if (buffers != null && buffers.hasNext()) {
        current = buffers.next();
        continue;
      }
      if (ended) {
        return -1;
      }
      long left = deadline - System.nanoTime();
      Object item;
      try {
        item = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
      } catch (InterruptedException e) {
        close();
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading the body");
      }
      if (item == null) {
        close();
        throw new Expired();
      }
      if (item == END) {
        ended = true;
        return -1;
      }
      if (item instanceof Failed f) {
        close();
        throw f.cause() instanceof IOException io ? io : new IOException(f.cause());
      }
      @SuppressWarnings("unchecked")
      List<ByteBuffer> list = (List<ByteBuffer>) item;
      buffers = list.iterator();
      Flow.Subscription s = subscription;
      if (s != null) {
        s.request(1);
      }
    }
    int n = Math.min(len, current.remaining());
    current.get(b, off, n);
    return n;
  }

  /**
   * The bytes of the buffer at hand, or 1 while the body may go on. Never 0 before the end: {@link
   * java.util.zip.GZIPInputStream} asks between the members of a multi-member body and takes 0 for
   * the end, which cut such bodies short whenever the next member had not arrived yet.
   */
  @Override
  public int available() {
    if (current != null && current.hasRemaining()) {
      return current.remaining();
    }
    return ended || closed ? 0 : 1;
  }

  /** Cancels the subscription: the rest of the body is not read and the connection is closed. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }
}
