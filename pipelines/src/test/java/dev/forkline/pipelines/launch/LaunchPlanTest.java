package dev.forkline.pipelines.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchPlanTest {
  private static final Path ROOT = Path.of("/opt/forkline");
  private static final Path CWD = Path.of("/home/u/work");
  private static final Path JAR = ROOT.resolve("pipelines/target/forkline.jar");
  private static final Path NATIVE_MISSING =
      ROOT.resolve(
          "workers/target/classes/dev/forkline/workers/native/forkline_filters.UNAVAILABLE");

  /** Files by path: modification time and lines. */
  private final Map<Path, Long> times = new HashMap<>();

  private final Map<Path, List<String>> contents = new HashMap<>();
  private final Map<String, String> env = new HashMap<>();
  private boolean setsid = true;

  private final LaunchInputs.FileView files =
      new LaunchInputs.FileView() {
        @Override
        public boolean exists(Path path) {
          return times.containsKey(path);
        }

        @Override
        public boolean isReadable(Path path) {
          return contents.containsKey(path);
        }

        @Override
        public long modifiedMillis(Path path) {
          return times.getOrDefault(path, 0L);
        }

        @Override
        public List<String> lines(Path path) {
          return contents.get(path);
        }

        @Override
        public boolean isWritableFolder(Path path) {
          return writable;
        }
      };

  private boolean writable = true;

  LaunchPlanTest() {
    times.put(JAR, 1_000L);
    config("image.yaml", "# a sample", "pipeline: image-filter", "input: in");
    config("scrape.yml", "pipeline: \"url-scrape\"  # quoted");
  }

  private void config(String name, String... lines) {
    times.put(CWD.resolve(name), 500L);
    contents.put(CWD.resolve(name), List.of(lines));
  }

  private LaunchPlan plan(String... args) {
    return LaunchPlan.of(
        new LaunchInputs(
            ROOT,
            List.of(args),
            env,
            CWD,
            1000,
            "/usr/lib/jvm/bin/java",
            false,
            setsid,
            "42",
            files));
  }

  private void archive(String suffix, long time) {
    times.put(ROOT.resolve("pipelines/target/forkline" + suffix), time);
  }

  @Test
  void aScrapeRunsDriverGetsC1AndItsHeap() {
    List<String> argv = plan("run", "scrape.yml").argv();
    assertTrue(argv.contains("-XX:TieredStopAtLevel=1"), argv.toString());
    assertTrue(argv.contains(LaunchPlan.SCRAPE_HEAP), argv.toString());
    assertFalse(argv.contains(LaunchPlan.IMAGE_YOUNG), argv.toString());
    assertEquals(List.of("-jar", JAR.toString()), tail(argv, 2));
  }

  @Test
  void anImageRunGetsItsHeapAndASmallYoungGenerationAndC1WithTheNativeLoops() {
    List<String> argv = plan("run", "image.yaml").argv();
    assertTrue(argv.containsAll(List.of(LaunchPlan.IMAGE_HEAP, LaunchPlan.IMAGE_YOUNG)));
    assertTrue(argv.contains("-XX:TieredStopAtLevel=1"), argv.toString());
  }

  @Test
  void withoutTheNativeLoopsAnImageRunKeepsC2ForWhatLoops() {
    times.put(NATIVE_MISSING, 1L);
    List<String> argv = plan("run", "image.yaml").argv();
    assertTrue(argv.containsAll(LaunchPlan.C2_FOR_LOOPS), argv.toString());
    assertFalse(argv.contains("-XX:TieredStopAtLevel=1"), argv.toString());
  }

  @Test
  void theUsersJavaOptionsReplaceTheDefaultsTheyName() {
    env.put("FORKLINE_JAVA_OPTS", " -Xmx4g  -XX:TieredStopAtLevel=4 -XX:NewSize=32m ");
    List<String> argv = plan("run", "image.yaml").argv();
    assertFalse(argv.contains(LaunchPlan.IMAGE_HEAP), argv.toString());
    assertFalse(argv.contains(LaunchPlan.IMAGE_YOUNG), argv.toString());
    assertFalse(argv.contains("-XX:TieredStopAtLevel=1"), argv.toString());
    assertTrue(argv.containsAll(List.of("-Xmx4g", "-XX:TieredStopAtLevel=4", "-XX:NewSize=32m")));
  }

  @Test
  void theFirstRunOfAPipelineRecordsItsArchiveAndIsNotKept() {
    LaunchPlan plan = plan("run", "image.yaml");
    Path archive = ROOT.resolve("pipelines/target/forkline-image-filter.jsa");
    assertEquals(archive, plan.recordArchive());
    assertTrue(plan.argv().contains("-XX:ArchiveClassesAtExit=" + plan.recordTemp()));
    assertFalse(plan.cacheable());
  }

  @Test
  void aCheckoutThisUserCannotWriteToRecordsNoArchive() {
    writable = false;
    LaunchPlan plan = plan("run", "image.yaml");
    assertNull(plan.recordArchive());
    assertTrue(plan.argv().stream().noneMatch(a -> a.contains("Archive")), plan.argv().toString());
    assertTrue(plan.cacheable());
  }

  @Test
  void aLaterRunMapsTheArchiveRecordedAfterTheJar() {
    archive("-image-filter.jsa", 2_000);
    LaunchPlan plan = plan("run", "image.yaml");
    assertNull(plan.recordArchive());
    assertTrue(
        plan.argv()
            .contains(
                "-XX:SharedArchiveFile="
                    + ROOT.resolve("pipelines/target/forkline-image-filter.jsa")));
    assertTrue(plan.cacheable());
  }

  @Test
  void anArchiveOlderThanTheJarIsRecordedAgain() {
    archive("-image-filter.jsa", 999);
    assertEquals(
        ROOT.resolve("pipelines/target/forkline-image-filter.jsa"),
        plan("run", "image.yaml").recordArchive());
  }

  @Test
  void anotherCommandMapsWhicheverFreshArchiveThereIs() {
    archive("-url-scrape.jsa", 2_000);
    LaunchPlan plan = plan("validate", "image.yaml");
    assertTrue(
        plan.argv()
            .contains(
                "-XX:SharedArchiveFile="
                    + ROOT.resolve("pipelines/target/forkline-url-scrape.jsa")));
    assertNull(plan.recordArchive());
  }

  @Test
  void cdsOffByAnyValueButOneAsTheOldLauncherRead() {
    env.put("FORKLINE_CDS", "false");
    assertTrue(plan("run", "image.yaml").argv().stream().noneMatch(a -> a.contains("Archive")));
    env.put("FORKLINE_CDS", "");
    assertEquals(
        ROOT.resolve("pipelines/target/forkline-image-filter.jsa"),
        plan("run", "image.yaml").recordArchive(),
        "empty counts as unset");
  }

  @Test
  void cdsOffMeansNoArchiveAtAll() {
    env.put("FORKLINE_CDS", "0");
    LaunchPlan plan = plan("run", "image.yaml");
    assertNull(plan.recordArchive());
    assertTrue(plan.argv().stream().noneMatch(a -> a.contains("Archive")), plan.argv().toString());
  }

  @Test
  void aDaemonRunHasASocketPerUserNamedByAHashOfWhatTheDaemonRunsWith() {
    env.put("FORKLINE_DAEMON", "1");
    env.put("XDG_RUNTIME_DIR", "/run/user/1000");
    LaunchPlan plan = plan("run", "image.yaml");
    assertTrue(
        plan.daemonSocket().toString().matches("/run/user/1000/forkline-1000/[0-9a-f]{16}\\.sock"),
        plan.daemonSocket().toString());
    assertEquals("dev.forkline.pipelines.daemon.Daemon", tail(plan.daemonCommand(), 1).get(0));
    Path socket = plan.daemonSocket();
    env.put("UNRELATED", "x");
    assertEquals(socket, plan("run", "image.yaml").daemonSocket(), "an unrelated variable");
    env.put("FORKLINE_JAVA_OPTS", "-Xmx2g");
    assertNotEquals(socket, plan("run", "image.yaml").daemonSocket(), "other JVM options");
    env.remove("FORKLINE_JAVA_OPTS");
    times.put(JAR, 3_000L);
    assertNotEquals(socket, plan("run", "image.yaml").daemonSocket(), "a rebuilt jar");
  }

  @Test
  void noDaemonForVerboseRunsOtherRunnersOrWithoutSetsid() {
    env.put("FORKLINE_DAEMON", "1");
    assertNull(plan("run", "image.yaml", "--verbose").daemonSocket());
    assertNull(plan("run", "image.yaml", "--runner", "flink").daemonSocket());
    assertNull(plan("validate", "image.yaml").daemonSocket());
    setsid = false;
    assertNull(plan("run", "image.yaml").daemonSocket());
  }

  @Test
  void sparkInThisJvmBindsToLoopbackUnlessToldOtherwise() {
    assertEquals(
        Map.of("SPARK_LOCAL_IP", "127.0.0.1"), plan("run", "image.yaml", "--runner=spark").env());
    assertEquals(
        Map.of(),
        plan("run", "image.yaml", "--runner", "spark", "--spark-master", "spark://h:7077").env());
    env.put("SPARK_LOCAL_IP", "10.0.0.5");
    assertEquals(
        Map.of("SPARK_LOCAL_IP", "10.0.0.5"), plan("run", "image.yaml", "--runner", "spark").env());
    assertEquals(
        ROOT.resolve("runners/spark/target/forkline-spark.jar").toString(),
        tail(plan("run", "image.yaml", "--runner", "spark").argv(), 1).get(0));
  }

  @Test
  void benchRunsFromTheBenchModulesJarWithTheSameJitChoice() {
    List<String> argv = plan("bench", "--quick").argv();
    assertEquals(
        List.of("-jar", ROOT.resolve("bench/target/forkline-bench.jar").toString()), tail(argv, 2));
    assertTrue(argv.contains("-XX:TieredStopAtLevel=1"), argv.toString());
  }

  @Test
  void daemonStatusRunsTheJavaClientAndAnythingElseIsAUsageError() {
    List<String> argv = plan("daemon", "status").argv();
    assertEquals(List.of("status", "/tmp/forkline-1000"), tail(argv, 2));
    assertEquals(
        ROOT.resolve("pipelines/target/forkline-client.jar").toString(), tail(argv, 3).get(0));
    LaunchException e = assertThrows(LaunchException.class, () -> plan("daemon", "restart"));
    assertTrue(e.getMessage().contains("status|stop"), e.getMessage());
  }

  @Test
  void theKindComesFromTheFirstConfigArgument() {
    assertEquals("url-scrape", LaunchPlan.kind(inputs("run", "missing.yaml", "scrape.yml")));
    assertEquals("url-scrape", LaunchPlan.kind(inputs("run", "--progress", "none", "scrape.yml")));
    config("none.yaml", "input: in", "# pipeline: url-scrape");
    assertNull(LaunchPlan.kind(inputs("run", "none.yaml")));
  }

  private LaunchInputs inputs(String... args) {
    return new LaunchInputs(ROOT, List.of(args), env, CWD, 1000, "java", false, true, "1", files);
  }

  @Test
  void thePlanReachesBashWordForWord(@TempDir Path dir) throws Exception {
    List<String> args =
        List.of("run", "a b.yaml", "it's", "$HOME", "`id`", "new\nline", "", "--set", "x=\"y\"");
    env.put("FORKLINE_JAVA_OPTS", "-Da=it's -Db=$HOME -Dc=`id` -Dd=\"y\" -De=\\");
    LaunchPlan plan =
        LaunchPlan.of(new LaunchInputs(ROOT, args, env, CWD, 1000, "java", true, true, "7", files));
    Path script = dir.resolve("plan.sh");
    Files.writeString(script, Launch.bash(plan));
    Process bash =
        new ProcessBuilder(
                "bash",
                "-c",
                ". \"$1\"; printf '%s\\0' \"${plan_argv[@]}\"",
                "-",
                script.toString())
            .redirectErrorStream(true)
            .start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    bash.getInputStream().transferTo(out);
    assertEquals(0, bash.waitFor());
    List<String> words =
        new ArrayList<>(List.of(out.toString(StandardCharsets.UTF_8).split("\0", -1)));
    words.remove(words.size() - 1);
    assertEquals(plan.argv(), words);
    assertTrue(
        words.containsAll(List.of("-Da=it's", "-Db=$HOME", "-Dc=`id`", "-Dd=\"y\"", "-De=\\")),
        words.toString());
    assertTrue(plan.appendArgs(), "the script appends the arguments");
    assertTrue(Collections.disjoint(words.subList(1, words.size()), args.subList(1, args.size())));
  }

  private static List<String> tail(List<String> list, int n) {
    return list.subList(list.size() - n, list.size());
  }
}
