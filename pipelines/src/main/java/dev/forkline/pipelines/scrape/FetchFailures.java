package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.exec.RetryableException;
import dev.forkline.pipelines.exec.StageException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Maps what an HTTP call threw to a {@link FetchKind}, with a message a user can act on; failures
 * that may pass on another try are a {@link RetryableException}.
 */
final class FetchFailures {
  private FetchFailures() {}

  static StageException timeout(URI url, String when) {
    return new RetryableException(
        FetchKind.TIMEOUT, url + ": the fetch ran out of its time " + when, null);
  }

  static StageException blocked(URI url, String why) {
    return new StageException(
        FetchKind.BLOCKED_ADDRESS,
        url
            + ": "
            + why
            + "; a fetch that started at a public host may not reach loopback, private or"
            + " link-local addresses (set url-scrape.allow-private-addresses: true to allow it)");
  }

  /** Maps a failure of a call to a kind: connect failures that may pass are retryable. */
  static StageException failure(URI url, Throwable t, long deadline) {
    BlockedAddressCause blocked = BlockedAddressCause.find(t);
    if (blocked != null) {
      return blocked(url, blocked.exception.getMessage());
    }
    boolean pastDeadline = System.nanoTime() - deadline >= 0;
    if (t instanceof SocketTimeoutException
        && !pastDeadline
        && String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("connect")) {
      return new RetryableException(
          FetchKind.CONNECT, url + ": connecting timed out (" + describe(t) + ")", null);
    }
    if (t instanceof InterruptedIOException || pastDeadline) {
      return timeout(url, "waiting for the server");
    }
    StageException response = responseFailure(url, t);
    return response != null ? response : connectionFailure(url, t);
  }

  /** A proxy's refusal or an answer that is not valid HTTP; null for anything else. */
  private static StageException responseFailure(URI url, Throwable t) {
    if (t instanceof Proxies.ProxyRefusedException
        || String.valueOf(t.getMessage()).startsWith("Unexpected response code for CONNECT")) {
      return new StageException(
          FetchKind.BAD_RESPONSE, url + ": the proxy refused a tunnel: " + t.getMessage());
    }
    if (t instanceof ProtocolException) {
      if ("unexpected end of stream".equals(t.getMessage())) {
        return new RetryableException(
            FetchKind.CONNECT, url + ": the connection closed in the middle of the body", null);
      }
      return new StageException(
          FetchKind.BAD_RESPONSE, url + ": the response is not valid HTTP: " + t.getMessage());
    }
    if (t.getCause() instanceof EOFException eof
        && String.valueOf(t.getMessage()).startsWith("unexpected end of stream on")) {
      // OkHttp's head reader: nothing at all arrived, or a line was cut or over its limit.
      String m = String.valueOf(eof.getMessage());
      if (eof.getMessage() == null || m.contains("limit=0 ")) {
        return new RetryableException(
            FetchKind.CONNECT, url + ": the server closed the connection without an answer", null);
      }
      return new StageException(
          FetchKind.BAD_RESPONSE,
          url
              + ": the status line or headers are cut off or larger than 256 KB ("
              + abbreviate(m)
              + ")");
    }
    return null;
  }

  /** TLS, name resolution and connection failures, and what is left. */
  private static StageException connectionFailure(URI url, Throwable t) {
    if (t instanceof SSLPeerUnverifiedException
        || (t instanceof SSLHandshakeException && causedBy(t, CertificateException.class))) {
      return new StageException(
          FetchKind.CONNECT,
          url + ": the server's TLS certificate is not accepted (" + describe(t) + ")",
          t);
    }
    if (t instanceof SSLException && !causedBy(t, EOFException.class) && !isReset(t)) {
      // The server refused the handshake (a fatal alert) or does not speak TLS: trying again
      // cannot help.
      return new StageException(
          FetchKind.CONNECT, url + ": the TLS handshake failed (" + describe(t) + ")", t);
    }
    if (t instanceof UnknownHostException) {
      return new RetryableException(
          FetchKind.CONNECT, url + ": the host name does not resolve (" + describe(t) + ")", null);
    }
    if (t instanceof ConnectException) {
      return new RetryableException(
          FetchKind.CONNECT, url + ": could not connect (" + describe(t) + ")", null);
    }
    if (t instanceof IOException) {
      return new RetryableException(
          FetchKind.CONNECT, url + ": the connection failed (" + describe(t) + ")", null);
    }
    return new StageException(
        FetchKind.BAD_RESPONSE, url + ": the request failed: " + describe(t), t);
  }

  /** The guard's refusal somewhere in a failure (OkHttp may wrap it or add it as suppressed). */
  private record BlockedAddressCause(AddressGuard.BlockedAddressException exception) {
    static BlockedAddressCause find(Throwable t) {
      Set<Throwable> seen = new HashSet<>();
      List<Throwable> todo = new ArrayList<>(List.of(t));
      while (!todo.isEmpty()) {
        Throwable c = todo.remove(todo.size() - 1);
        if (c == null || !seen.add(c)) {
          continue;
        }
        if (c instanceof AddressGuard.BlockedAddressException b) {
          return new BlockedAddressCause(b);
        }
        todo.add(c.getCause());
        todo.addAll(List.of(c.getSuppressed()));
      }
      return null;
    }
  }

  private static boolean isReset(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("reset")
          || m.contains("terminated the handshake")
          || m.contains("broken pipe")) {
        return true;
      }
    }
    return false;
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** The exception's simple class name and message (or its cause's, when it has none). */
  static String describe(Throwable t) {
    String message = t.getMessage();
    if (message == null && t.getCause() != null) {
      message = t.getCause().toString();
    }
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static String abbreviate(String s) {
    String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() > 120 ? printable.substring(0, 120) + "..." : printable;
  }
}
