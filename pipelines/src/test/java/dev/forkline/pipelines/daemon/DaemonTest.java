package dev.forkline.pipelines.daemon;

import static dev.forkline.pipelines.TestFiles.image;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.sun.net.httpserver.HttpServer;
import dev.forkline.pipelines.TestFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs through a real daemon JVM, started by the client as the launcher does. */
@Timeout(180)
class DaemonTest {
  @TempDir Path dir;
  private Path socket;
  private List<String> daemonCommand;
  private HttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch requested = new CountDownLatch(1);

  @BeforeEach
  void setUp() {
    socket = dir.resolve("d.sock");
    daemonCommand =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "-Dforkline.daemon.idle-minutes=2",
            Daemon.class.getName());
  }

  @AfterEach
  void tearDown() {
    admin("stop");
    release.countDown();
    if (server != null) {
      server.stop(0);
    }
  }

  private record Result(int code, String out, String err) {}

  private Result client(String... cliArgs) {
    List<String> args = new ArrayList<>();
    args.add("run");
    args.add(socket.toString());
    args.add("false");
    args.add(Integer.toString(daemonCommand.size()));
    args.addAll(daemonCommand);
    args.addAll(List.of(cliArgs));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        DaemonClient.main(
            args.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private String admin(String what) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DaemonClient.main(
        new String[] {what, dir.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The native client the launcher tries first (src/main/c), built next to the jar. */
  private static Path nativeClient() {
    Path client = Path.of("target", "forkline-client").toAbsolutePath();
    Path unavailable = Path.of("target", "forkline-client.UNAVAILABLE");
    if (Files.exists(unavailable)) {
      String why = readQuietly(unavailable);
      assumeFalse(why.startsWith("no gcc"), "the build noted: " + why);
      throw new AssertionError("gcc is there but the native client did not build: " + why);
    }
    assertTrue(Files.isExecutable(client), "the build made " + client);
    return client;
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Runs the native client as the launcher does: {@code forkline-client SOCKET TTY ARGS...}. */
  private Result nativeRun(String... cliArgs) throws Exception {
    List<String> command = new ArrayList<>(List.of(nativeClient().toString(), socket.toString()));
    command.add("false");
    command.addAll(List.of(cliArgs));
    Path out = dir.resolve("native.out");
    Path err = dir.resolve("native.err");
    Process p =
        new ProcessBuilder(command) // in this JVM's folder, the daemon's
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the native client finished");
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** A run of {@code config} into {@code out2}: a second run beside the first one's {@code out}. */
  private String[] intoOut2(Path config) {
    return new String[] {
      "run", config.toString(), "--set", "output=" + dir.resolve("out2"), "--progress", "none"
    };
  }

  private long daemonPid() {
    Matcher m = Pattern.compile("daemon pid (\\d+)").matcher(admin("status"));
    assertTrue(m.find(), "a daemon answers status");
    return Long.parseLong(m.group(1));
  }

  private Path imageConfig(int images) throws IOException {
    Files.createDirectories(dir.resolve("in"));
    for (int i = 0; i < images; i++) {
      image(dir.resolve("in/i" + i + ".png"), "png", 20, 10);
    }
    return TestFiles.config(
        dir,
        "pipeline: image-filter\ninput: in\noutput: out\n"
            + "image-filter:\n  filters:\n    - resize: {width: 10}\n"
            + "stages:\n  transform: {executor: threads}\n");
  }

  /** A scrape of one URL that the server answers only when {@link #release} opens. */
  private Path slowScrapeConfig() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        ex -> {
          try {
            requested.countDown();
            release.await();
            byte[] body = "<html><title>slow</title></html>".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            ex.close();
          }
        });
    server.start();
    Files.writeString(
        dir.resolve("urls.txt"),
        "http://127.0.0.1:" + server.getAddress().getPort() + "/slow.html\n");
    return TestFiles.config(
        dir,
        "pipeline: url-scrape\ninput: urls.txt\noutput: scraped\n"
            + "url-scrape:\n  robots: false\n"
            + "stages:\n  fetch: {executor: threads, threads: 2, timeout: 120s, retries: 0}\n"
            + "  parse: {executor: threads}\n");
  }

  @Test
  void twoRunsShareOneDaemonAndEachWritesEveryRow() throws Exception {
    Path config = imageConfig(3);
    Result first = client("run", config.toString(), "--progress", "none");
    assertEquals(0, first.code(), first.err());
    assertTrue(first.err().contains("starting a daemon"), first.err());
    assertTrue(first.out().startsWith("image-filter: all rows ok in "), first.out());
    assertTrue(admin("status").contains(", idle,"), "free once its client has the exit code");
    long pid = daemonPid();

    Result second = client(intoOut2(config));
    assertEquals(0, second.code(), second.err());
    assertFalse(second.err().contains("starting a daemon"), second.err());
    assertEquals(pid, daemonPid(), "the same daemon ran both");
    assertTrue(admin("status").contains("2 runs"), admin("status"));
    assertEquals(3, TestFiles.rows(dir.resolve("out/manifest.parquet")).size());
    assertEquals(3, TestFiles.rows(dir.resolve("out2/manifest.parquet")).size());
  }

  @Test
  void theNextRunGetsTheWorkerJvmsOfTheLastOne() throws Exception {
    Path config = imageConfig(2);
    String processes = "stages.transform={executor: processes, workers: 1, heap: 128m}";
    Result first = client("run", config.toString(), "--set", processes, "--progress", "none");
    assertEquals(0, first.code(), first.err());
    ProcessHandle daemon = ProcessHandle.of(daemonPid()).orElseThrow();
    List<Long> workers = daemon.children().map(ProcessHandle::pid).sorted().toList();
    assertEquals(1, workers.size(), "the run's one worker JVM outlives it");

    Result second =
        client(
            "run",
            config.toString(),
            "--set",
            processes,
            "--set",
            "output=" + dir.resolve("out2"),
            "--progress",
            "none");
    assertEquals(0, second.code(), second.err());
    assertEquals(workers, daemon.children().map(ProcessHandle::pid).sorted().toList());
    assertFalse(second.out().contains("worker JVM"), "no worker started: " + second.out());
    assertEquals(2, TestFiles.rows(dir.resolve("out2/manifest.parquet")).size());
  }

  @Test
  void aConfigErrorComesBackWithExitTwoAndItsMessage() throws Exception {
    Path config = imageConfig(1);
    Result result = client("run", config.toString(), "--set", "stages.read.threads=0");
    assertEquals(2, result.code());
    assertTrue(result.err().contains("stages.read.threads: 0 is out of range"), result.err());
    assertEquals("", result.out());
  }

  @Test
  void aSecondRunWhileOneRunsIsLeftToAJvmOfItsOwn() throws Exception {
    Path scrape = slowScrapeConfig();
    CompletableFuture<Result> first =
        CompletableFuture.supplyAsync(() -> client("run", scrape.toString(), "--progress", "none"));
    assertTrue(requested.await(60, TimeUnit.SECONDS), "the first run reached the server");

    Result second = client("run", imageConfig(1).toString(), "--progress", "none");
    assertEquals(DaemonProtocol.UNAVAILABLE, second.code(), second.err());

    release.countDown();
    Result done = first.get(60, TimeUnit.SECONDS);
    assertEquals(0, done.code(), done.err());
    assertEquals(1, TestFiles.rows(dir.resolve("scraped/pages.parquet")).size());
  }

  @Test
  void aClientKilledMidRunEndsTheDaemonLikeAKilledRun() throws Exception {
    Path scrape = slowScrapeConfig();
    List<String> command = new ArrayList<>();
    command.add(daemonCommand.get(0));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DaemonClient.class.getName());
    command.add("run");
    command.add(socket.toString());
    command.add("false");
    command.add(Integer.toString(daemonCommand.size()));
    command.addAll(daemonCommand);
    command.addAll(List.of("run", scrape.toString(), "--progress", "none"));
    Process client =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertTrue(requested.await(60, TimeUnit.SECONDS), "the run reached the server");
    ProcessHandle daemon = ProcessHandle.of(daemonPid()).orElseThrow();

    client.destroyForcibly().waitFor();
    daemon.onExit().get(30, TimeUnit.SECONDS);
    assertFalse(daemon.isAlive());

    // The output folder is free again: the same run, resumed, finishes (in a new daemon).
    release.countDown();
    Result again = client("run", scrape.toString(), "--resume", "--progress", "none");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.err().contains("starting a daemon"), again.err());
  }

  @Test
  void theNativeClientLeavesARunToTheJavaClientWhenNoDaemonListens() throws Exception {
    Result result = nativeRun("run", imageConfig(1).toString(), "--progress", "none");
    assertEquals(76, result.code(), result.err());
    assertEquals("", result.out());
    assertEquals("", result.err());
    assertFalse(Files.exists(dir.resolve("out")), "nothing ran");
  }

  @Test
  void theNativeClientRelaysARunsOutputAndExitCode() throws Exception {
    Path config = imageConfig(3);
    assertEquals(0, client("run", config.toString(), "--progress", "none").code()); // starts it
    long pid = daemonPid();

    Result ok = nativeRun(intoOut2(config));
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().startsWith("image-filter: all rows ok in "), ok.out());
    assertEquals(3, TestFiles.rows(dir.resolve("out2/manifest.parquet")).size());

    Result bad = nativeRun("run", config.toString(), "--set", "stages.read.threads=0");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("stages.read.threads: 0 is out of range"), bad.err());
    assertEquals("", bad.out());
    assertEquals(pid, daemonPid(), "the same daemon ran them");
    assertTrue(admin("status").contains("3 runs"), admin("status"));
  }

  @Test
  void theNativeClientLeavesARunToItsOwnJvmWhenTheDaemonIsBusy() throws Exception {
    Path scrape = slowScrapeConfig();
    CompletableFuture<Result> first =
        CompletableFuture.supplyAsync(() -> client("run", scrape.toString(), "--progress", "none"));
    assertTrue(requested.await(60, TimeUnit.SECONDS), "the first run reached the server");

    Result second = nativeRun("run", imageConfig(1).toString(), "--progress", "none");
    assertEquals(DaemonProtocol.UNAVAILABLE, second.code(), second.err());
    assertFalse(Files.exists(dir.resolve("out")), "the busy daemon ran nothing of it");

    release.countDown();
    assertEquals(0, first.get(60, TimeUnit.SECONDS).code());
  }

  @Test
  void theNativeClientDiesWithTheLauncherAndTheDaemonWithIt() throws Exception {
    assertEquals(0, client("run", imageConfig(1).toString(), "--progress", "none").code());
    ProcessHandle daemon = ProcessHandle.of(daemonPid()).orElseThrow();
    Path scrape = slowScrapeConfig();
    // A shell stands in for the launcher: the client is its child, not exec'd ("; :").
    Process launcher =
        new ProcessBuilder(
                "sh",
                "-c",
                "\"$0\" \"$@\"; :",
                nativeClient().toString(),
                socket.toString(),
                "false",
                "run",
                scrape.toString(),
                "--progress",
                "none")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertTrue(requested.await(60, TimeUnit.SECONDS), "the run reached the server");
    List<ProcessHandle> clients = launcher.toHandle().children().toList();
    assertEquals(1, clients.size(), "the launcher's client");

    launcher.destroyForcibly().waitFor();
    clients.get(0).onExit().get(30, TimeUnit.SECONDS);
    daemon.onExit().get(30, TimeUnit.SECONDS);
    assertFalse(daemon.isAlive(), "the daemon ended the run as a killed JVM would");
  }

  @Test
  void theNativeClientSaysSoWhenTheDaemonStopsMidRun() throws Exception {
    assertEquals(0, client("run", imageConfig(1).toString(), "--progress", "none").code());
    ProcessHandle daemon = ProcessHandle.of(daemonPid()).orElseThrow();
    Path scrape = slowScrapeConfig(); // after the image config: both are written to one file
    CompletableFuture<Result> run =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return nativeRun("run", scrape.toString(), "--progress", "none");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertTrue(requested.await(60, TimeUnit.SECONDS), "the run reached the server");

    daemon.destroyForcibly();
    Result result = run.get(60, TimeUnit.SECONDS);
    assertEquals(3, result.code(), result.err());
    assertTrue(
        result.err().contains("the daemon (pid " + daemon.pid() + ") stopped in the middle"),
        result.err());
    assertTrue(result.err().contains("d.log); rows already finished are kept"), result.err());
  }

  @Test
  void theNativeClientLeavesTextThatIsNotAsciiToTheJavaClientUnderANonUtf8Locale()
      throws Exception {
    Path config = imageConfig(1);
    assertEquals(0, client("run", config.toString(), "--progress", "none").code()); // starts it
    // The UTF-8 bytes of "café" made by the shell: this JVM's own encoding may not be UTF-8.
    ProcessBuilder builder =
        new ProcessBuilder(
                "sh",
                "-c",
                "exec \"$0\" \"$@\" \"output=$OUT/$(printf 'caf\\303\\251')\"",
                nativeClient().toString(),
                socket.toString(),
                "false",
                "run",
                config.toString(),
                "--set")
            .redirectErrorStream(true);
    builder.environment().put("LC_ALL", "C");
    builder.environment().put("OUT", dir.toString());
    Process p = builder.start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the native client finished");
    assertEquals(76, p.exitValue(), said);
    assertEquals("", said);
    assertTrue(admin("status").contains("1 runs"), "the daemon ran nothing of it");
  }
}
