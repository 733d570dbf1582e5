package dev.forkline.serve;

import dev.forkline.pipelines.UsageException;
import dev.forkline.pipelines.cli.ForklineCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code forkline serve}: the job service, until Ctrl-C. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run a job service: submit configs over HTTP (a JSON API and a web page), watch them run,"
          + " browse their rows and reports. Each job runs `forkline run` in a JVM of its own;"
          + " jobs are kept in the data folder and survive a restart (running ones become"
          + " interrupted and can be resumed).",
      "Bound to loopback by default; any other address needs the token the service makes on its"
          + " first start (kept in DATA/token, mode 0600) on every request."
    })
public final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description = "The address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "8642",
      description = "The port (default: ${DEFAULT-VALUE}; 0 for any free one).")
  int port;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      defaultValue = "forkline-data",
      description = "Where jobs, their configs and logs are kept (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--jobs",
      paramLabel = "N",
      defaultValue = "1",
      description = "Jobs run at a time; the others wait in order (default: ${DEFAULT-VALUE}).")
  int jobs;

  @Option(
      names = "--allow-root",
      paramLabel = "DIR",
      description = {
        "A folder submitted configs may read and write (repeatable; default: the"
            + " folder the service starts in). A config with an input or output outside them is"
            + " refused."
      })
  List<Path> roots = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65_535) {
      throw new UsageException("--port " + port + ": a port is 0 to 65535");
    }
    if (jobs < 1 || jobs > 64) {
      throw new UsageException("--jobs " + jobs + ": 1 to 64 jobs at a time");
    }
    List<Path> allowed = new ArrayList<>();
    for (Path root : roots.isEmpty() ? List.of(Path.of("")) : roots) {
      Path absolute = root.toAbsolutePath().normalize();
      if (!Files.isDirectory(absolute)) {
        throw new UsageException("--allow-root " + root + ": not a folder");
      }
      allowed.add(absolute.toRealPath());
    }
    PrintWriter out = spec.commandLine().getOut();
    Path dataDir = data.toAbsolutePath().normalize();
    String token = loopback(bind) ? null : token(dataDir, out);
    JobService service =
        new JobService(
            new JobService.Settings(
                bind, port, dataDir, jobs, allowed, forklineCommand(), home(), token));
    int listening;
    try {
      listening = service.start();
    } catch (RuntimeException e) {
      service.close();
      throw new UsageException(
          "cannot listen on "
              + bind
              + ":"
              + port
              + " ("
              + rootMessage(e)
              + "); is another service there? Try --port");
    }
    String host = bind.contains(":") ? "[" + bind + "]" : bind;
    out.println(
        "forkline serve: http://"
            + host
            + ":"
            + listening
            + "/ (jobs in "
            + dataDir
            + "; Ctrl-C stops)");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.close();
                  stopped.countDown();
                },
                "forkline-serve-stop"));
    stopped.await();
    return 0;
  }

  private static String rootMessage(Throwable e) {
    while (e.getCause() != null) {
      e = e.getCause();
    }
    return e.getMessage();
  }

  static boolean loopback(String bind) {
    try {
      return InetAddress.getByName(bind).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new UsageException("--bind " + bind + ": not an address of this machine");
    }
  }

  /** The token in DATA/token; made (and printed, this once) on the first start that needs it. */
  static String token(Path dataDir, PrintWriter out) throws IOException {
    Path file = dataDir.resolve("token");
    if (Files.isRegularFile(file)) {
      out.println("forkline serve: requests need the token in " + file);
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    Files.createDirectories(dataDir);
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    String token = HexFormat.of().formatHex(bytes);
    Path tmp = dataDir.resolve(".token.tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    out.println("forkline serve: the token (shown this once, kept in " + file + "): " + token);
    return token;
  }

  /** The forkline checkout this runs from, or null. */
  static Path home() {
    String home = System.getProperty("forkline.home");
    return home == null ? null : Path.of(home);
  }

  /** How a job runs forkline: the launcher of this checkout, or this Java on forkline.jar. */
  static List<String> forklineCommand() {
    Path home = home();
    if (home != null && Files.isRegularFile(home.resolve("forkline"))) {
      return List.of("bash", home.resolve("forkline").toString());
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    try {
      Path jar =
          Path.of(ForklineCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return List.of(java, "-jar", jar.toString());
    } catch (java.net.URISyntaxException | RuntimeException e) {
      throw new UsageException("cannot find forkline.jar to run jobs with: " + e.getMessage());
    }
  }
}
