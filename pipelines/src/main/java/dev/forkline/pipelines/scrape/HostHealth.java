package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.exec.StageException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consecutive failures per host ({@code scheme://host:port}) in one run's fetches in a JVM, so a
 * dead host costs a few timeouts rather than one per URL: after the limit, URLs of the host fail
 * fast as {@code host-unavailable} without a request. Any answer below 500 resets the count.
 *
 * <p>A tripped host stays tripped for the rest of the run unless a request that was already in
 * flight succeeds; a later run starts with a registry of its own ({@link Fetcher#setup}).
 */
public final class HostHealth {
  private final ConcurrentHashMap<String, AtomicInteger> failures = new ConcurrentHashMap<>();

  public HostHealth() {}

  /**
   * Fails with {@code host-unavailable} when the host has failed {@code limit} times in a row.
   *
   * @param limit the settings' host failure limit; 0 never fails
   */
  public void check(String origin, int limit) throws StageException {
    if (limit <= 0) {
      return;
    }
    int n = consecutiveFailures(origin);
    if (n >= limit) {
      throw new StageException(
          FetchKind.HOST_UNAVAILABLE,
          origin
              + " failed "
              + n
              + " times in a row (connect, timeout or 5xx; the limit is "
              + limit
              + "), so its URLs are skipped");
    }
  }

  /** Counts a connect failure, timeout or 5xx. */
  public void failure(String origin) {
    failures.computeIfAbsent(origin, k -> new AtomicInteger()).incrementAndGet();
  }

  /** An answer: the host is up. */
  public void success(String origin) {
    AtomicInteger n = failures.get(origin);
    if (n != null) {
      n.set(0);
    }
  }

  /** Failures in a row of the host, 0 when none. */
  public int consecutiveFailures(String origin) {
    AtomicInteger n = failures.get(origin);
    return n == null ? 0 : n.get();
  }
}
