package dev.forkline.pipelines.scrape;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import okhttp3.Dns;

/**
 * OkHttp's host name lookups, on a bounded pool of lookup threads so a resolver that does not
 * answer holds a fetch no longer than its deadline, and the private address guard on their answers.
 */
final class HostResolver {
  /** Host name lookups, bounded so that a resolver that never answers cannot pile up threads. */
  private static final ThreadPoolExecutor LOOKUPS =
      new ThreadPoolExecutor(
          0,
          256,
          30,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          r -> {
            Thread t = new Thread(r, "forkline-dns");
            t.setDaemon(true);
            return t;
          });

  /** The deadline of the fetch this thread makes, for the lookups OkHttp runs on it. */
  private static final ThreadLocal<long[]> DEADLINE = ThreadLocal.withInitial(() -> new long[1]);

  /** How a host name becomes addresses, before the guard looks at them (tests give their own). */
  interface Lookup {
    List<InetAddress> lookup(String host) throws UnknownHostException;
  }

  private final Duration connectTimeout;
  private final Lookup lookup;
  private final Predicate<InetAddress> blocked;
  private final ConcurrentHashMap<String, Future<List<InetAddress>>> inFlight =
      new ConcurrentHashMap<>();

  /**
   * @param connectTimeout how long a lookup outside a fetch (no deadline set) may wait
   * @param blocked the addresses the guard refuses
   */
  HostResolver(Duration connectTimeout, Lookup lookup, Predicate<InetAddress> blocked) {
    this.connectTimeout = connectTimeout;
    this.lookup = lookup;
    this.blocked = blocked;
  }

  /**
   * The slot holding the deadline ({@link System#nanoTime}) of this thread's fetch: set it before a
   * call, and to 0 after.
   */
  static long[] deadlineSlot() {
    return DEADLINE.get();
  }

  /**
   * Resolves with every answer (OkHttp tries each in turn); when {@code guard}, refuses answers the
   * guard blocks. Names in {@code exempt} (the configured proxies, lower case) are not guarded.
   */
  Dns dns(boolean guard, Set<String> exempt) {
    return new GuardedDns(guard, exempt);
  }

  private final class GuardedDns implements Dns {
    private final boolean guard;
    private final Set<String> exempt;

    GuardedDns(boolean guard, Set<String> exempt) {
      this.guard = guard;
      this.exempt = exempt;
    }

    @Override
    public List<InetAddress> lookup(String host) throws UnknownHostException {
      List<InetAddress> all = resolve(host);
      if (!guard || exempt.contains(host.toLowerCase(Locale.ROOT))) {
        return all;
      }
      List<InetAddress> allowed = new ArrayList<>(all.size());
      for (InetAddress a : all) {
        if (!blocked.test(a)) {
          allowed.add(a);
        }
      }
      if (allowed.isEmpty()) {
        List<String> shown = new ArrayList<>();
        for (InetAddress a : all) {
          shown.add(a.getHostAddress());
        }
        throw new AddressGuard.BlockedAddressException(
            host + " resolves to " + String.join(", ", shown) + ", a non-public address");
      }
      return allowed;
    }
  }

  private List<InetAddress> resolve(String host) throws UnknownHostException {
    long deadline = DEADLINE.get()[0];
    if (deadline == 0) {
      deadline = System.nanoTime() + connectTimeout.toNanos();
    }
    Future<List<InetAddress>> answer;
    try {
      // Threads that connect to one host at once share its lookup.
      answer =
          inFlight.computeIfAbsent(
              host,
              h -> {
                FutureTask<List<InetAddress>> task =
                    new FutureTask<>(() -> lookup.lookup(h)) {
                      @Override
                      protected void done() {
                        inFlight.remove(h, this);
                      }
                    };
                LOOKUPS.execute(task);
                return task;
              });
    } catch (RejectedExecutionException e) {
      throw new UnknownHostException(
          host + ": too many host name lookups are waiting for an answer");
    }
    try {
      return answer.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new UnknownHostException("the deadline passed while looking up " + host);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnknownHostException("interrupted while looking up " + host);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownHostException u) {
        throw u;
      }
      UnknownHostException u = new UnknownHostException("looking up " + host + " failed");
      u.initCause(e.getCause());
      throw u;
    }
  }
}
