package dev.forkline.pipelines.scrape;

import java.io.Serializable;
import java.time.Instant;

/**
 * One fetched page: what was asked, where it ended after redirects, and the (decoded) body.
 *
 * @param requestedUrl the URL as normalized before the fetch
 * @param finalUrl the URL that answered with the body (after redirects)
 * @param status the HTTP status of the final answer (2xx)
 * @param contentType the media type without parameters, lower case; null when absent
 * @param charset the {@code charset} parameter of Content-Type; null when absent
 * @param body the body after gzip/deflate decoding, at most the settings' limit
 * @param truncated whether the body was cut at the limit
 * @param bytes the body's length (as kept)
 * @param fetchMillis wall time of the fetch, redirects and robots.txt included
 * @param redirects how many redirects were followed
 * @param fetchedAt when the final answer arrived
 */
public record FetchResult(
    String requestedUrl,
    String finalUrl,
    int status,
    String contentType,
    String charset,
    byte[] body,
    boolean truncated,
    long bytes,
    long fetchMillis,
    int redirects,
    Instant fetchedAt)
    implements Serializable {

  @Override
  public String toString() {
    return "FetchResult["
        + requestedUrl
        + " -> "
        + finalUrl
        + ", status="
        + status
        + ", type="
        + contentType
        + ", bytes="
        + bytes
        + (truncated ? " (truncated)" : "")
        + ", redirects="
        + redirects
        + ", "
        + fetchMillis
        + " ms]";
  }
}
