package dev.forkline.pipelines.exec;

import java.io.Serializable;
import java.time.Duration;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * One named stage of a pipeline: the per-element call and the executor settings from the config.
 * Stages run in a {@link StageChain}.
 *
 * <pre>{@code
 * config.stage("read").running(new ReadCall())
 * }</pre>
 */
public final class Stage<T extends Tracked<T>> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final StageCall<T> call;
  private final CallSettings settings;
  private final PoolSettings pool;
  private final SerializableFunction<T, String> keyFn;
  private final int perKeyLimit;
  private final Duration perKeyDelay;
  private final KeyResolver keyResolver;

  private Stage(
      String name,
      StageCall<T> call,
      CallSettings settings,
      PoolSettings pool,
      SerializableFunction<T, String> keyFn,
      int perKeyLimit,
      Duration perKeyDelay,
      KeyResolver keyResolver) {
    this.name = name;
    this.call = call;
    this.settings = settings;
    this.pool = pool;
    this.keyFn = keyFn;
    this.perKeyLimit = perKeyLimit;
    this.perKeyDelay = perKeyDelay;
    this.keyResolver = keyResolver;
  }

  /** A stage running {@code call}; give it its settings with {@link #withSettings}. */
  public static <T extends Tracked<T>> Stage<T> of(String name, StageCall<T> call) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a stage needs a name");
    }
    if (call == null) {
      throw new IllegalArgumentException("stage " + name + " needs a call");
    }
    return new Stage<>(name, call, null, null, null, 0, Duration.ZERO, null);
  }

  /** Runs the stage on threads, or inline, with these settings. */
  public Stage<T> withSettings(CallSettings settings) {
    if (settings == null) {
      throw new IllegalArgumentException("stage " + name + " needs call settings");
    }
    return new Stage<>(name, call, settings, null, keyFn, perKeyLimit, perKeyDelay, keyResolver);
  }

  /** Runs the stage's kernel in a pool of worker JVMs with these settings. */
  public Stage<T> onProcesses(PoolSettings pool) {
    if (pool == null) {
      throw new IllegalArgumentException("stage " + name + " needs pool settings");
    }
    if (!(call instanceof KernelCall)) {
      throw new IllegalArgumentException(
          "stage " + name + " has no kernel, so it cannot run on processes");
    }
    return new Stage<>(
        name,
        call,
        ProcessPool.callSettings(pool),
        pool,
        keyFn,
        perKeyLimit,
        perKeyDelay,
        keyResolver);
  }

  /**
   * At most {@code limit} calls in flight per key and at least {@code minDelay} between two starts
   * for one key, across the JVM (per-host politeness; the key of a URL is its host). Applies with
   * the {@code threads} and {@code inline} executors.
   */
  public Stage<T> withPerKeyLimit(
      SerializableFunction<T, String> keyFn, int limit, Duration minDelay) {
    if (keyFn == null) {
      throw new IllegalArgumentException(
          "stage " + name + ": a per-key limit needs a key function");
    }
    if (limit < 1) {
      throw new IllegalArgumentException(
          "stage " + name + ": a per-key limit is at least 1, got " + limit);
    }
    if (minDelay == null || minDelay.isNegative()) {
      throw new IllegalArgumentException(
          "stage " + name + ": the per-key delay must be zero or more, got " + minDelay);
    }
    return new Stage<>(name, call, settings, pool, keyFn, limit, minDelay, keyResolver);
  }

  /**
   * Counts the per-key limit and delay by what {@code resolver} makes of each key (a host's
   * address, so that hosts on one server share one queue) instead of the key itself.
   */
  public Stage<T> withKeyResolver(KeyResolver resolver) {
    if (keyFn == null) {
      throw new IllegalArgumentException(
          "stage " + name + ": a key resolver needs a per-key limit first");
    }
    return new Stage<>(name, call, settings, pool, keyFn, perKeyLimit, perKeyDelay, resolver);
  }

  /** What the per-key limit counts a key by, or null for the key itself. */
  KeyResolver keyResolver() {
    return keyResolver;
  }

  /** The key function of the per-key limit, or null. */
  SerializableFunction<T, String> keyFn() {
    return keyFn;
  }

  int perKeyLimit() {
    return perKeyLimit;
  }

  Duration perKeyDelay() {
    return perKeyDelay;
  }

  public String name() {
    return name;
  }

  StageCall<T> call() {
    return call;
  }

  /** The executor's settings; null until {@link #withSettings} or {@link #onProcesses}. */
  CallSettings settings() {
    return settings;
  }

  /** The worker pool's settings, for a stage on processes; else null. */
  PoolSettings pool() {
    return pool;
  }
}
