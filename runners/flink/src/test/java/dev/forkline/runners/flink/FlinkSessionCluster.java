package dev.forkline.runners.flink;

import dev.forkline.pipelines.run.ClusterProcesses;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Flink 1.19 session cluster on 127.0.0.1 made of separate JVMs, as a user's would be: a
 * JobManager ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code
 * TaskManagerRunner}), each with its own working folder and log. Their class path is this JVM's
 * less forkline's own classes, so the TaskManagers run forkline from the jars a job stages, like a
 * cluster that has only Flink (and Beam) installed. {@link #close} kills them all.
 */
final class FlinkSessionCluster implements AutoCloseable {
  private static final Duration START = Duration.ofSeconds(90);

  private final Path dir;
  private final int restPort;
  private final Process jobManager;
  private final List<Process> taskManagers = new ArrayList<>();

  private FlinkSessionCluster(Path dir, int restPort, Process jobManager) {
    this.dir = dir;
    this.restPort = restPort;
    this.jobManager = jobManager;
  }

  /** Starts a JobManager and {@code taskManagers} TaskManagers of {@code slots} slots each. */
  static FlinkSessionCluster start(Path dir, int taskManagers, int slots, int taskManagerMb)
      throws Exception {
    return start(dir, taskManagers, slots, taskManagerMb, List.of());
  }

  /** {@link #start(Path, int, int, int)} with more lines of the cluster's config.yaml. */
  static FlinkSessionCluster start(
      Path dir, int taskManagers, int slots, int taskManagerMb, List<String> config)
      throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    int rpcPort = ClusterProcesses.freePort();
    int restPort = ClusterProcesses.freePort();
    Files.writeString(
        conf.resolve("config.yaml"),
        String.join(
            "\n",
            "jobmanager.rpc.address: 127.0.0.1",
            "jobmanager.rpc.port: " + rpcPort,
            "jobmanager.bind-host: 127.0.0.1",
            "jobmanager.memory.process.size: 768m",
            "rest.address: 127.0.0.1",
            "rest.bind-address: 127.0.0.1",
            "rest.port: " + restPort,
            "taskmanager.host: 127.0.0.1",
            "taskmanager.bind-host: 127.0.0.1",
            "taskmanager.numberOfTaskSlots: " + slots,
            "blob.server.port: 0",
            String.join("\n", config),
            ""));
    FlinkSessionCluster cluster =
        new FlinkSessionCluster(
            dir,
            restPort,
            launch(
                dir.resolve("jobmanager.log"),
                List.of("-Xmx384m"),
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                List.of("--configDir", conf.toString())));
    try {
      for (int i = 1; i <= taskManagers; i++) {
        cluster.taskManagers.add(cluster.startTaskManager(conf, i, taskManagerMb));
      }
      cluster.awaitTaskManagers(taskManagers);
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * A TaskManager JVM. Started without Flink's scripts, it is given each part of its memory (the
   * scripts work them out from one total): its heap, managed and network memory, metaspace.
   */
  private Process startTaskManager(Path conf, int n, int totalMb) throws IOException {
    // At 512 MB the JVM's own overhead (threads, code cache) still needs its 64 MB: the heap and
    // the metaspace shrink below 768 MB, as Flink's fractions would make them.
    boolean small = totalMb < 768;
    int heap = small ? totalMb * 5 / 16 : totalMb / 2;
    int network = 64;
    int managed = 32;
    int offHeap = 64;
    int metaspace = small ? 128 : 160;
    int overhead = totalMb - heap - network - managed - offHeap - metaspace;
    if (overhead < 32) {
      throw new IllegalArgumentException("a TaskManager needs 512 MB or more, got " + totalMb);
    }
    Path work = Files.createDirectories(dir.resolve("taskmanager-" + n));
    List<String> args =
        new ArrayList<>(
            List.of(
                "--configDir",
                conf.toString(),
                "-D",
                "taskmanager.resource-id=taskmanager-" + n,
                "-D",
                "process.taskmanager.working-dir=" + work,
                "-D",
                "io.tmp.dirs=" + work,
                "-D",
                "taskmanager.rpc.port=0",
                "-D",
                "taskmanager.cpu.cores=1.0"));
    String[][] memory = {
      {"framework.heap.size", "32m"},
      {"task.heap.size", (heap - 32) + "m"},
      {"managed.size", managed + "m"},
      {"network.min", network + "m"},
      {"network.max", network + "m"},
      {"framework.off-heap.size", offHeap + "m"},
      // A batch job's shuffle reads take this much of the framework's off-heap memory (64m).
      {"framework.off-heap.batch-shuffle.size", (offHeap / 2) + "m"},
      {"task.off-heap.size", "0m"},
      {"jvm-metaspace.size", metaspace + "m"},
      {"jvm-overhead.min", overhead + "m"},
      {"jvm-overhead.max", overhead + "m"},
    };
    for (String[] m : memory) {
      args.add("-D");
      args.add("taskmanager.memory." + m[0] + "=" + m[1]);
    }
    return launch(
        dir.resolve("taskmanager-" + n + ".log"),
        List.of(
            "-Xmx" + heap + "m",
            "-Xms" + heap + "m",
            "-XX:MaxDirectMemorySize=" + (network + offHeap) + "m",
            "-XX:MaxMetaspaceSize=" + metaspace + "m"),
        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
        args);
  }

  private static Process launch(Path log, List<String> jvm, String main, List<String> args)
      throws IOException {
    List<String> flags = new ArrayList<>(jvm);
    flags.addAll(OPENS);
    return ClusterProcesses.java(log, flags, clusterClasspath(), main, args, Map.of());
  }

  /**
   * What Flink's scripts open to its classes (its config's {@code env.java.opts.all}): without them
   * a TaskManager's error handling itself fails, and an out-of-memory error shows as an
   * InaccessibleObjectException.
   */
  private static final List<String> OPENS =
      java.util.stream.Stream.of(
              "java.lang",
              "java.lang.reflect",
              "java.io",
              "java.net",
              "java.nio",
              "java.text",
              "java.time",
              "java.util",
              "java.util.concurrent",
              "java.util.concurrent.atomic",
              "java.util.concurrent.locks",
              "sun.nio.ch")
          .map(p -> "--add-opens=java.base/" + p + "=ALL-UNNAMED")
          .toList();

  /** This JVM's class path without forkline's classes and jars: what a Flink install has. */
  static String clusterClasspath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !isForkline(entry))
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static boolean isForkline(String entry) {
    String name = Path.of(entry).getFileName().toString();
    return name.startsWith("forkline-")
        || entry.endsWith(File.separator + "classes")
        || entry.endsWith(File.separator + "test-classes");
  }

  private void awaitTaskManagers(int count) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + START.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!jobManager.isAlive()) {
        throw new IllegalStateException("the JobManager exited: " + tail("jobmanager.log"));
      }
      for (int i = 0; i < taskManagers.size(); i++) {
        if (!taskManagers.get(i).isAlive()) {
          throw new IllegalStateException(
              "TaskManager " + (i + 1) + " exited: " + tail("taskmanager-" + (i + 1) + ".log"));
        }
      }
      try {
        last =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://" + restAddress() + "/overview"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        if (last.contains("\"taskmanagers\":" + count + ",")) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "the cluster did not come up within " + START.toSeconds() + " s: " + last);
  }

  /** The REST endpoint, as {@code --flink-master} takes it. */
  String restAddress() {
    return "127.0.0.1:" + restPort;
  }

  /**
   * How many failures the cluster's one job restarted after, from its exception history (the REST
   * API's {@code /jobs/ID/exceptions}).
   */
  int failuresOfTheJob() throws Exception {
    String jobs = get("/jobs/overview");
    Matcher id = Pattern.compile("\"jid\"\\s*:\\s*\"([0-9a-f]+)\"").matcher(jobs);
    if (!id.find()) {
      throw new IllegalStateException("no job on the cluster: " + jobs);
    }
    String exceptions = get("/jobs/" + id.group(1) + "/exceptions");
    Matcher entry = Pattern.compile("\"exceptionName\"").matcher(exceptions);
    int n = 0;
    while (entry.find()) {
      n++;
    }
    return n;
  }

  private String get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://" + restAddress() + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Kills a TaskManager as {@code kill -9} does, its own children left to notice. */
  void killTaskManager(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }

  /** The JobManager JVM's process id. */
  long jobManagerPid() {
    return jobManager.pid();
  }

  /** The TaskManager JVMs' process ids. */
  List<Long> taskManagerPids() {
    return taskManagers.stream().map(Process::pid).toList();
  }

  /** The last lines of one of the cluster's logs, for a failure's message. */
  String tail(String log) {
    return ClusterProcesses.tail(dir.resolve(log));
  }

  /** Kills every TaskManager, its children and the JobManager, and waits for them to exit. */
  @Override
  public void close() {
    List<Process> all = new ArrayList<>(taskManagers);
    all.add(jobManager);
    ClusterProcesses.killAll(all);
  }
}
