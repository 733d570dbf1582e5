package dev.forkline.pipelines.exec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stage's per-key limit counts each key by ({@link KeyResolver}: a host's address), each key
 * resolved once, on threads of its own, so that a lookup that waits on the network never holds a
 * call's thread.
 */
final class ResolvedKeys implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CallExecutor.class);

  /** Keys resolved at once (DNS lookups, which wait on the network). */
  static final int RESOLVER_THREADS = 16;

  /** Resolved keys kept: a host's URLs come in one batch, so older answers are rarely asked. */
  static final int RESOLVED_KEYS = 100_000;

  private final String stage;
  private final KeyResolver resolver;
  private final ThreadPoolExecutor resolving;
  private final Map<String, CompletableFuture<String>> resolved =
      Collections.synchronizedMap(
          new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<String>> e) {
              return size() > RESOLVED_KEYS;
            }
          });

  ResolvedKeys(String stage, KeyResolver resolver) {
    this.stage = stage;
    this.resolver = resolver;
    this.resolving =
        new ThreadPoolExecutor(
            RESOLVER_THREADS,
            RESOLVER_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "forkline-" + stage + "-keys");
              t.setDaemon(true);
              return t;
            });
    this.resolving.allowCoreThreadTimeOut(true);
  }

  /**
   * What the per-key limit counts {@code key} by: resolved once, off the caller's thread; the key
   * itself when the resolver fails or this is closed.
   */
  CompletableFuture<String> resolve(String key) {
    CompletableFuture<String> answer;
    boolean mine = false;
    synchronized (resolved) {
      answer = resolved.get(key);
      if (answer == null) {
        answer = new CompletableFuture<>();
        resolved.put(key, answer);
        mine = true;
      }
    }
    if (mine) {
      CompletableFuture<String> result = answer;
      try {
        resolving.execute(
            () -> {
              String to = key;
              try {
                String r = resolver.resolve(key);
                if (r != null && !r.isEmpty()) {
                  to = r;
                }
              } catch (Exception e) {
                LOG.debug(
                    "stage {}: key {} counts as itself: {}", stage, key, CallExecutor.describe(e));
              }
              result.complete(to);
            });
      } catch (RejectedExecutionException e) {
        result.complete(key);
      }
    }
    return answer;
  }

  @Override
  public void close() {
    resolving.shutdownNow();
  }
}
