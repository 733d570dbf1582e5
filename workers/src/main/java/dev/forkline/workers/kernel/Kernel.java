package dev.forkline.workers.kernel;

/**
 * A CPU kernel: a named function from bytes to bytes that a worker JVM (or a pipeline thread) runs
 * on each task.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list them in {@code
 * META-INF/services/dev.forkline.workers.kernel.Kernel}. Each needs a public no-argument
 * constructor that is cheap (every worker instantiates every registered kernel at start-up); load
 * heavy state lazily in {@link #apply}.
 *
 * <p>Thread-safety: a worker JVM calls {@link #apply} from one thread at a time, but the in-JVM
 * executors call one instance from many threads, so kernels should be stateless or thread-safe.
 */
public interface Kernel {

  /** The name tasks use to call this kernel, e.g. {@code "test.sleep"}; unique on a classpath. */
  String name();

  /**
   * Runs one task.
   *
   * @param input the task's payload
   * @return the result's payload (never null)
   * @throws Exception any failure of this task; the worker reports it and lives on
   */
  byte[] apply(byte[] input) throws Exception;

  /**
   * Loads and exercises what the first task would (codecs, parsers), so a worker started ahead of
   * its first task does not make that task pay for class loading. Called once per worker JVM on a
   * background thread right after start; must be safe to run beside {@link #apply}. Failures are
   * ignored.
   */
  default void warmUp() throws Exception {}

  /**
   * JVM flags a worker JVM running this kernel starts with by default, before the pool's own flags
   * (which win where they repeat one). For a kernel whose JIT compilation costs more than it saves
   * over typical runs, say.
   */
  default java.util.List<String> workerJvmFlags() {
    return java.util.List.of();
  }

  /**
   * The flags instead of {@link #workerJvmFlags} when the worker outlives its run: a JVM that keeps
   * its pools between runs ({@code WorkerPools.keepIdlePools}, forkline's daemon) spreads a JIT's
   * cost over many runs. By default the same flags.
   */
  default java.util.List<String> keptWorkerJvmFlags() {
    return workerJvmFlags();
  }
}
