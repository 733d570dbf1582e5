package dev.forkline.pipelines.scrape;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 connection, plain or TLS, read and written by one thread at a time. Every read waits
 * at most until the current exchange's deadline (the socket's read timeout is set to the time left
 * before each read, so a server trickling bytes cannot hold the thread past it). The socket sits on
 * a {@link SocketChannel}, so an interrupt of the reading thread closes it and ends the read.
 */
final class Http1Connection implements AutoCloseable {
  /**
   * Closes TLS connections whose exchange outlived its deadline: a TLS read gathers a whole record
   * from many socket reads, so the per-read timeout alone does not bound it.
   */
  private static final ScheduledThreadPoolExecutor ALARMS = alarms();

  private final String route;
  private final boolean tls;
  private final SocketChannel channel;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final byte[] buf = new byte[16 * 1024];
  private int pos;
  private int lim;
  private long deadline;
  private long received;
  private volatile boolean closed;
  private volatile boolean expired;
  private final Object alarmLock = new Object();
  private long generation; // guarded by alarmLock
  private ScheduledFuture<?> alarm; // guarded by alarmLock
  long idleSince;

  /**
   * @param socket the socket to talk on: {@code channel}'s own, or a TLS socket layered on it
   */
  Http1Connection(String route, SocketChannel channel, Socket socket) throws IOException {
    this.route = route;
    this.channel = channel;
    this.socket = socket;
    this.tls = socket instanceof SSLSocket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  String route() {
    return route;
  }

  private static ScheduledThreadPoolExecutor alarms() {
    ScheduledThreadPoolExecutor alarms =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "forkline-http-deadlines");
              t.setDaemon(true);
              return t;
            });
    alarms.setRemoveOnCancelPolicy(true);
    return alarms;
  }

  /** Starts an exchange: reads from now on end at {@code deadline} ({@link System#nanoTime}). */
  void begin(long deadline) {
    this.deadline = deadline;
    this.received = 0;
    this.expired = false;
    if (tls) {
      arm(deadline);
    }
  }

  /** Ends this exchange's reads at {@code at} if that is sooner than its deadline. */
  void shortenDeadline(long at) {
    if (at - deadline < 0) {
      deadline = at;
      if (tls) {
        arm(at);
      }
    }
  }

  /** The exchange is over (the connection goes back to the pool): its deadline no longer holds. */
  void endExchange() {
    disarm();
  }

  /** The TLS handshake, within {@code deadline}. */
  void handshake(long deadline) throws IOException {
    begin(deadline);
    try {
      setTimeout();
      ((SSLSocket) socket).startHandshake();
    } catch (IOException e) {
      throw expired ? new SocketTimeoutException("the deadline passed in the TLS handshake") : e;
    } finally {
      disarm();
    }
  }

  private void arm(long at) {
    synchronized (alarmLock) {
      disarm();
      long mine = generation;
      alarm =
          ALARMS.schedule(
              () -> {
                synchronized (alarmLock) {
                  // Checked and marked under the lock that disarm() takes: once an exchange is
                  // over, its alarm can no longer close the connection for the next one.
                  if (generation != mine || closed) {
                    return;
                  }
                  expired = true;
                  closed = true;
                }
                close();
              },
              Math.max(0, at - System.nanoTime()),
              TimeUnit.NANOSECONDS);
    }
  }

  private void disarm() {
    synchronized (alarmLock) {
      generation++;
      if (alarm != null) {
        alarm.cancel(false);
        alarm = null;
      }
    }
  }

  /** Bytes received since {@link #begin}: none means a reused connection was already dead. */
  long received() {
    return received;
  }

  /** Bytes read from the socket and not yet taken. */
  int buffered() {
    return lim - pos;
  }

  /**
   * Whether bytes wait that no response has claimed: more than a response said it had, or an answer
   * nobody asked for (some servers send a 408 before they close an idle connection). Such a
   * connection cannot carry another exchange: its next answer would be misread.
   */
  boolean hasPendingInput() {
    if (pos < lim) {
      return true;
    }
    try {
      return in.available() > 0 || (tls && channel.socket().getInputStream().available() > 0);
    } catch (IOException e) {
      return true;
    }
  }

  void write(byte[] request) throws IOException {
    out.write(request);
    out.flush();
  }

  /** Up to {@code len} bytes, at least one unless the stream ended (-1). */
  int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (pos == lim) {
      if (len >= buf.length) {
        return rawRead(b, off, len);
      }
      if (fill() < 0) {
        return -1;
      }
    }
    int n = Math.min(len, lim - pos);
    System.arraycopy(buf, pos, b, off, n);
    pos += n;
    return n;
  }

  /** Bytes that can be read without blocking, buffered or already on the socket. */
  int available() throws IOException {
    return (lim - pos) + (closed ? 0 : in.available());
  }

  /**
   * A line up to LF, without its CR LF, as ISO-8859-1.
   *
   * @throws EOFException when the stream ends before the line does
   * @throws ProtocolException when the line is longer than {@code max} bytes
   */
  String readLine(int max, String what) throws IOException {
    StringBuilder line = null;
    while (true) {
      if (pos == lim && fill() < 0) {
        throw new EOFException("the connection closed in the middle of " + what);
      }
      int start = pos;
      int end = start;
      while (end < lim && buf[end] != '\n') {
        end++;
      }
      int taken = (line == null ? 0 : line.length()) + (end - start);
      if (taken > max) {
        throw new ProtocolException(what + " is longer than " + max + " bytes");
      }
      String part = new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
      if (end < lim) {
        pos = end + 1;
        String whole = line == null ? part : line.append(part).toString();
        return whole.endsWith("\r") ? whole.substring(0, whole.length() - 1) : whole;
      }
      pos = lim;
      line = (line == null ? new StringBuilder(part.length() * 2) : line).append(part);
    }
  }

  private int fill() throws IOException {
    int n = rawRead(buf, 0, buf.length);
    if (n > 0) {
      pos = 0;
      lim = n;
    }
    return n;
  }

  private int rawRead(byte[] b, int off, int len) throws IOException {
    setTimeout();
    int n;
    try {
      n = in.read(b, off, len);
    } catch (IOException e) {
      throw expired ? new SocketTimeoutException("the deadline passed") : e;
    }
    if (n > 0) {
      received += n;
    }
    return n;
  }

  private void setTimeout() throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("the deadline passed");
    }
    socket.setSoTimeout(
        (int) Math.min(Integer.MAX_VALUE, Math.max(1, (left + 999_999) / 1_000_000)));
  }

  boolean isClosed() {
    return closed || !channel.isOpen();
  }

  @Override
  public void close() {
    closed = true;
    synchronized (alarmLock) {
      if (alarm != null) {
        alarm.cancel(false);
        alarm = null;
      }
    }
    // The channel first: a TLS socket closed first would write its close_notify, and a server that
    // does not read could block that write.
    try {
      channel.close();
    } catch (IOException | RuntimeException e) {
      // closing: nothing to do about it
    }
    try {
      socket.close();
    } catch (IOException | RuntimeException e) {
      // closing: nothing to do about it
    }
  }
}
