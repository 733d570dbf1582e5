package dev.forkline.workers.pool;

import dev.forkline.workers.kernel.Kernels;
import java.io.File;
import java.io.Serializable;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link WorkerPool} is: its kernels, its workers and how they run. Equal specs share one
 * pool per JVM ({@link WorkerPools}). Every instance is valid: the constructor checks each field.
 *
 * <pre>{@code
 * PoolSpec spec = PoolSpec.builder("image.filter").withWorkers(2).withHeap("512m").build();
 * }</pre>
 *
 * @param kernels names of the kernels the pool runs; each must be registered on this classpath
 * @param workers worker JVMs, at least 1
 * @param heapBytes each worker's {@code -Xmx}, at least 16 MiB
 * @param jvmFlags extra flags for each worker JVM, after the pool's own
 * @param window tasks in flight per worker (one running, the rest queued there), at least 1
 * @param maxTasksPerWorker a worker is replaced after this many tasks; 0 = never
 * @param taskTimeout the longest one attempt of a task may run, from when its worker starts it
 * @param crashRetries re-runs of a task whose worker crashed, hung or ran out of memory
 * @param taskErrorRetries re-runs of a task whose kernel threw
 * @param javaCommand the {@code java} executable for workers
 * @param classpath the workers' class path ({@link #defaultClasspath()} unless set)
 */
public record PoolSpec(
    List<String> kernels,
    int workers,
    long heapBytes,
    List<String> jvmFlags,
    int window,
    int maxTasksPerWorker,
    Duration taskTimeout,
    int crashRetries,
    int taskErrorRetries,
    String javaCommand,
    String classpath)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  static final long MIN_HEAP_BYTES = 16L << 20;

  public PoolSpec {
    kernels = List.copyOf(Objects.requireNonNull(kernels, "kernels"));
    jvmFlags = List.copyOf(Objects.requireNonNull(jvmFlags, "jvmFlags"));
    Objects.requireNonNull(taskTimeout, "taskTimeout");
    Objects.requireNonNull(javaCommand, "javaCommand");
    Objects.requireNonNull(classpath, "classpath");
    if (kernels.isEmpty()) {
      throw new IllegalArgumentException("a pool needs at least one kernel");
    }
    for (String kernel : kernels) {
      Kernels.get(kernel); // throws, listing the known kernels
      if (kernel.contains(",")) {
        throw new IllegalArgumentException("kernel names cannot contain ',': '" + kernel + "'");
      }
    }
    require(workers >= 1, "workers must be at least 1, was " + workers);
    require(
        heapBytes >= MIN_HEAP_BYTES,
        "heap must be at least 16m, was " + heapBytes + " bytes (" + heapFlag(heapBytes) + ")");
    require(window >= 1, "window must be at least 1, was " + window);
    require(
        maxTasksPerWorker >= 0,
        "maxTasksPerWorker must be 0 (never recycle) or more, was " + maxTasksPerWorker);
    require(
        !taskTimeout.isNegative() && !taskTimeout.isZero(),
        "taskTimeout must be positive, was " + taskTimeout);
    require(crashRetries >= 0, "crashRetries must be 0 or more, was " + crashRetries);
    require(taskErrorRetries >= 0, "taskErrorRetries must be 0 or more, was " + taskErrorRetries);
    require(!javaCommand.isBlank(), "javaCommand must not be blank");
    for (String flag : jvmFlags) {
      require(
          flag.startsWith("-") && !flag.isBlank(),
          "JVM flags must start with '-', got '" + flag + "'");
    }
  }

  /** A builder with the defaults: one worker per core, 256m heap, window 2, 60 s timeout. */
  /**
   * The class path worker JVMs start with unless one is set: the jars of the class loaders that
   * loaded forkline's classes, then this JVM's {@code java.class.path}. Run from the command line
   * or on a runner in this JVM (Direct, a Flink mini-cluster, Spark local), forkline is on the
   * application class path and that is all there is. On a cluster a Flink TaskManager or Spark
   * executor loads the job's jars into a class loader of its own, from local files: listing them
   * first starts the workers from the job's own jars on whichever machine runs the stage.
   */
  public static String defaultClasspath() {
    LinkedHashSet<String> entries = new LinkedHashSet<>();
    List<ClassLoader> loaders = new ArrayList<>();
    for (ClassLoader l = PoolSpec.class.getClassLoader(); l != null; l = l.getParent()) {
      loaders.add(0, l); // parents first, as the loaders search
    }
    for (ClassLoader loader : loaders) {
      if (loader instanceof URLClassLoader urls) {
        for (URL url : urls.getURLs()) {
          if ("file".equals(url.getProtocol())) {
            try {
              entries.add(Path.of(url.toURI()).toString());
            } catch (URISyntaxException | IllegalArgumentException e) {
              // Not a plain local path: a worker JVM could not use it either.
            }
          }
        }
      }
    }
    String own = System.getProperty("java.class.path", "");
    if (entries.isEmpty()) {
      return own; // exactly this JVM's, empty entries (the current folder) included
    }
    List<String> all = new ArrayList<>(entries);
    for (String entry : own.split(File.pathSeparator, -1)) {
      if (!entries.contains(entry)) {
        all.add(entry);
      }
    }
    return String.join(File.pathSeparator, all);
  }

  public static Builder builder(String... kernels) {
    return new Builder(Arrays.asList(kernels));
  }

  /** A builder starting from this spec's values. */
  public Builder toBuilder() {
    Builder builder = new Builder(kernels);
    builder.workers = workers;
    builder.heapBytes = heapBytes;
    builder.jvmFlags = new ArrayList<>(jvmFlags);
    builder.window = window;
    builder.maxTasksPerWorker = maxTasksPerWorker;
    builder.taskTimeout = taskTimeout;
    builder.crashRetries = crashRetries;
    builder.taskErrorRetries = taskErrorRetries;
    builder.javaCommand = javaCommand;
    builder.classpath = classpath;
    return builder;
  }

  /** The {@code -Xmx} flag for this heap size. */
  static String heapFlag(long bytes) {
    if (bytes % (1L << 20) == 0) {
      return "-Xmx" + (bytes >> 20) + "m";
    }
    return "-Xmx" + ((bytes + 1023) >> 10) + "k";
  }

  /**
   * Parses a heap size such as {@code 512m}, {@code 2g}, {@code 65536k} or a number of bytes.
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static long parseSize(String size) {
    String text = size.strip().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (text.endsWith("k") || text.endsWith("m") || text.endsWith("g")) {
      char suffix = text.charAt(text.length() - 1);
      unit = suffix == 'k' ? 1L << 10 : suffix == 'm' ? 1L << 20 : 1L << 30;
      text = text.substring(0, text.length() - 1);
    }
    try {
      long value = Long.parseLong(text);
      if (value < 0 || value > Long.MAX_VALUE / unit) {
        throw new NumberFormatException();
      }
      return value * unit;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "bad size '" + size + "': expected a number of bytes or e.g. 512m, 2g, 65536k");
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Builds a {@link PoolSpec}; {@link #build} checks every value. */
  public static final class Builder {
    private final List<String> kernels;
    private int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
    private long heapBytes = 256L << 20;
    private List<String> jvmFlags = new ArrayList<>();
    private int window = 2;
    private int maxTasksPerWorker = 0;
    private Duration taskTimeout = Duration.ofSeconds(60);
    private int crashRetries = 2;
    private int taskErrorRetries = 0;
    private String javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private String classpath = defaultClasspath();

    private Builder(List<String> kernels) {
      this.kernels = List.copyOf(kernels);
    }

    public Builder withWorkers(int workers) {
      this.workers = workers;
      return this;
    }

    public Builder withHeapBytes(long heapBytes) {
      this.heapBytes = heapBytes;
      return this;
    }

    /** The heap as {@code 512m}, {@code 2g}, ... (see {@link PoolSpec#parseSize}). */
    public Builder withHeap(String heap) {
      this.heapBytes = parseSize(heap);
      return this;
    }

    public Builder withJvmFlags(List<String> jvmFlags) {
      this.jvmFlags = new ArrayList<>(jvmFlags);
      return this;
    }

    public Builder withJvmFlags(String... jvmFlags) {
      return withJvmFlags(Arrays.asList(jvmFlags));
    }

    public Builder withWindow(int window) {
      this.window = window;
      return this;
    }

    public Builder withMaxTasksPerWorker(int maxTasksPerWorker) {
      this.maxTasksPerWorker = maxTasksPerWorker;
      return this;
    }

    public Builder withTaskTimeout(Duration taskTimeout) {
      this.taskTimeout = taskTimeout;
      return this;
    }

    public Builder withCrashRetries(int crashRetries) {
      this.crashRetries = crashRetries;
      return this;
    }

    public Builder withTaskErrorRetries(int taskErrorRetries) {
      this.taskErrorRetries = taskErrorRetries;
      return this;
    }

    public Builder withJavaCommand(String javaCommand) {
      this.javaCommand = javaCommand;
      return this;
    }

    public Builder withClasspath(String classpath) {
      this.classpath = classpath;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first bad value
     */
    public PoolSpec build() {
      return new PoolSpec(
          kernels,
          workers,
          heapBytes,
          jvmFlags,
          window,
          maxTasksPerWorker,
          taskTimeout,
          crashRetries,
          taskErrorRetries,
          javaCommand,
          classpath);
    }
  }
}
