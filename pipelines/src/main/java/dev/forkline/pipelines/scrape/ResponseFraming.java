package dev.forkline.pipelines.scrape;

import java.io.IOException;
import java.net.ProtocolException;
import java.net.Proxy;
import java.util.List;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Checks what OkHttp takes on trust in a response's framing, and sends an environment proxy's
 * credentials on plain-http requests through it. A Transfer-Encoding other than {@code chunked}
 * (OkHttp would hand the coded bytes on as the body) or two different Content-Lengths fail as
 * {@code bad-response}, and the connection is closed, never reused.
 */
final class ResponseFraming implements Interceptor {
  private final Proxies proxies;

  ResponseFraming(Proxies proxies) {
    this.proxies = proxies;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    okhttp3.Connection connection = chain.connection();
    if (connection != null && connection.socket().getInputStream().available() > 0) {
      // A kept connection on which bytes came that nobody asked for (more body than framed, a
      // 408 before a close): its next answer would be misread. FetchHttp.send retries on a new one.
      connection.socket().close();
      throw new StaleConnectionException();
    }
    if (connection != null && !request.isHttps()) {
      Proxy proxy = connection.route().proxy();
      String authorization = proxies.authorization(proxy);
      if (authorization != null) {
        request = request.newBuilder().header("Proxy-Authorization", authorization).build();
      }
    }
    Response response = chain.proceed(request);
    List<String> codings = response.headers("Transfer-Encoding");
    String problem = null;
    if (!codings.isEmpty()
        && !(codings.size() == 1 && codings.get(0).strip().equalsIgnoreCase("chunked"))) {
      problem =
          "Transfer-Encoding '"
              + String.join(", ", codings)
              + "' is not supported; only chunked is (compression belongs in Content-Encoding)";
    } else {
      problem = contentLengthProblem(response.headers("Content-Length"));
    }
    if (problem != null) {
      if (connection != null) {
        connection.socket().close(); // what follows on it cannot be framed
      }
      response.close();
      throw new ProtocolException(problem);
    }
    return response;
  }

  private static String contentLengthProblem(List<String> values) {
    long length = -1;
    for (String value : values) {
      for (String part : value.split(",", -1)) {
        String v = part.strip();
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
          return "Content-Length '" + value + "' is not a number of bytes";
        }
        long n = Long.parseLong(v);
        if (length >= 0 && n != length) {
          return "the response has two different Content-Lengths: " + values;
        }
        length = n;
      }
    }
    return null;
  }

  /** A kept connection carried bytes no request asked for; it was closed before any was sent. */
  static final class StaleConnectionException extends IOException {
    private static final long serialVersionUID = 1L;

    StaleConnectionException() {
      super("a kept connection had bytes on it that no request asked for");
    }
  }
}
