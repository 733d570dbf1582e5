package dev.forkline.pipelines.run;

import java.util.List;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/**
 * The runners {@code forkline run} accepts and where each comes from: {@code direct} is built in;
 * {@code flink} and {@code spark} are {@link ClusterRunner}s in their own jars, which the launcher
 * builds on first use.
 */
public final class Runners {
  public static final String DIRECT = "direct";
  public static final String FLINK = "flink";
  public static final String SPARK = "spark";

  /** Every runner name, in the order help text lists them. */
  public static final List<String> NAMES = List.of(DIRECT, FLINK, SPARK);

  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9._-]+):([0-9]{1,5})");
  private static final Pattern SPARK_LOCAL = Pattern.compile("local(\\[([1-9][0-9]*|\\*)\\])?");
  private static final Pattern SPARK_URL =
      Pattern.compile("(spark://[^\\s/]+|yarn|k8s://\\S+|mesos://\\S+)");

  private Runners() {}

  /**
   * Checks a {@code --flink-master} or {@code --spark-master} value for {@code runner}.
   *
   * @return what is wrong and what is accepted, or null if the value is fine
   */
  public static String checkMaster(String runner, String master) {
    if (master == null) {
      return null;
    }
    switch (runner) {
      case FLINK:
        if (master.equals("[local]") || master.equals("[auto]")) {
          return null;
        }
        var m = HOST_PORT.matcher(master);
        if (m.matches()
            && Integer.parseInt(m.group(2)) > 0
            && Integer.parseInt(m.group(2)) < 65536) {
          return null;
        }
        return "--flink-master "
            + master
            + ": expected HOST:PORT of a running Flink cluster's REST endpoint"
            + " (e.g. localhost:8081), or [local] for the embedded mini-cluster";
      case SPARK:
        if (SPARK_LOCAL.matcher(master).matches() || SPARK_URL.matcher(master).matches()) {
          return null;
        }
        return "--spark-master "
            + master
            + ": expected local, local[N], local[*] or a cluster URL (spark://HOST:PORT, yarn,"
            + " k8s://URL)";
      default:
        return null;
    }
  }

  /** The cluster runner called {@code name} on this classpath, or null if it is not built in. */
  public static ClusterRunner find(String name) {
    for (ClusterRunner runner : ServiceLoader.load(ClusterRunner.class)) {
      if (runner.name().equals(name)) {
        return runner;
      }
    }
    return null;
  }

  /**
   * The cluster runner called {@code name}.
   *
   * @throws UnsupportedPipelineException (exit 2) if its jars are not on this classpath
   */
  public static ClusterRunner require(String name) {
    if (!NAMES.contains(name)) {
      throw new UnsupportedPipelineException(
          "--runner " + name + ": unknown runner; accepted: " + String.join(", ", NAMES));
    }
    ClusterRunner runner = find(name);
    if (runner == null) {
      throw new UnsupportedPipelineException(
          "--runner "
              + name
              + ": the "
              + name
              + " runner is not built into this jar. The ./forkline launcher builds it on first"
              + " use; by hand: mvn -B -q -DskipTests -pl runners/"
              + name
              + " -am package, then java -jar runners/"
              + name
              + "/target/forkline-"
              + name
              + ".jar run ...");
    }
    return runner;
  }
}
