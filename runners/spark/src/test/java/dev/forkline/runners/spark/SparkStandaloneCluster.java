package dev.forkline.runners.spark;

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
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark 3.5 standalone cluster on 127.0.0.1 made of separate JVMs, as a user's would be: a {@code
 * Master} and {@code Worker}s, each Worker with its own folder, which start the executors. Their
 * Spark home is a folder of links to this JVM's jars less forkline's, so executors run forkline
 * from the jars a job ships, like a cluster that has only Spark (and Beam) installed. {@link
 * #close} kills them all, executors included.
 */
final class SparkStandaloneCluster implements AutoCloseable {
  private static final Duration START = Duration.ofSeconds(90);

  private final Path dir;
  private final int port;
  private final int webPort;
  private final Process master;
  private final List<Process> workers = new ArrayList<>();

  private SparkStandaloneCluster(Path dir, int port, int webPort, Process master) {
    this.dir = dir;
    this.port = port;
    this.webPort = webPort;
    this.master = master;
  }

  /** Starts a Master and {@code workers} Workers of one core and {@code workerMb} each. */
  static SparkStandaloneCluster start(Path dir, int workers, int workerMb) throws Exception {
    Path home = sparkHome(dir.resolve("spark-home"));
    int port = ClusterProcesses.freePort();
    int webPort = ClusterProcesses.freePort();
    SparkStandaloneCluster cluster =
        new SparkStandaloneCluster(
            dir,
            port,
            webPort,
            launch(
                home,
                dir.resolve("master.log"),
                "org.apache.spark.deploy.master.Master",
                List.of("--host", "127.0.0.1", "--port", "" + port, "--webui-port", "" + webPort)));
    try {
      for (int i = 1; i <= workers; i++) {
        Path work = Files.createDirectories(dir.resolve("worker-" + i));
        cluster.workers.add(
            launch(
                home,
                dir.resolve("worker-" + i + ".log"),
                "org.apache.spark.deploy.worker.Worker",
                List.of(
                    cluster.masterUrl(),
                    "--host",
                    "127.0.0.1",
                    "--cores",
                    "1",
                    "--memory",
                    workerMb + "m",
                    "--work-dir",
                    work.toString(),
                    "--webui-port",
                    "0")));
      }
      cluster.awaitWorkers(workers);
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * A Spark home for the cluster: {@code jars/} links to this JVM's jars less forkline's. A Worker
   * builds its executors' class path from it.
   */
  private static Path sparkHome(Path home) throws IOException {
    Path jars = Files.createDirectories(home.resolve("jars"));
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path jar = Path.of(entry);
      String name = jar.getFileName().toString();
      if (name.endsWith(".jar") && !name.startsWith("forkline-") && Files.isRegularFile(jar)) {
        Path link = jars.resolve(name);
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, jar.toAbsolutePath());
        }
      }
    }
    return home;
  }

  private static Process launch(Path home, Path log, String main, List<String> args)
      throws IOException {
    return ClusterProcesses.java(
        log,
        List.of("-Xmx256m"),
        home.resolve("jars") + File.separator + "*",
        main,
        args,
        Map.of(
            "SPARK_HOME",
            home.toString(),
            "SPARK_SCALA_VERSION",
            "2.12",
            "SPARK_LOCAL_IP",
            "127.0.0.1")); // every server of the cluster on loopback
  }

  private void awaitWorkers(int count) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Pattern alive = Pattern.compile("\"state\"\\s*:\\s*\"ALIVE\""); // each Worker's
    long deadline = System.nanoTime() + START.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!master.isAlive()) {
        throw new IllegalStateException("the Master exited: " + tail("master.log"));
      }
      for (int i = 0; i < workers.size(); i++) {
        if (!workers.get(i).isAlive()) {
          throw new IllegalStateException(
              "Worker " + (i + 1) + " exited: " + tail("worker-" + (i + 1) + ".log"));
        }
      }
      try {
        last =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort + "/json/"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = alive.matcher(last);
        int n = 0;
        while (m.find()) {
          n++;
        }
        if (n >= count) {
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

  /** The Master's URL, as {@code --spark-master} takes it. */
  String masterUrl() {
    return "spark://127.0.0.1:" + port;
  }

  /** The Worker JVMs' process ids. */
  List<Long> workerPids() {
    return workers.stream().map(Process::pid).toList();
  }

  /** The last lines of one of the cluster's logs, for a failure's message. */
  String tail(String log) {
    return ClusterProcesses.tail(dir.resolve(log));
  }

  /** Kills the Workers, their executors and the Master, and waits for them to exit. */
  @Override
  public void close() {
    List<Process> all = new ArrayList<>(workers);
    all.add(master);
    ClusterProcesses.killAll(all);
  }
}
