package dev.forkline.pipelines.launch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the {@code forkline} script starts a command: the JVM's flags (JIT, heap, class-data
 * archive), whether a warm daemon takes the run, and what the environment needs. A pure function of
 * {@link LaunchInputs}; {@link Launch} writes it for the script, which only executes it.
 *
 * @param env variables to export before anything runs
 * @param argv the command line of the JVM that runs the command, less the command's own arguments
 *     when {@code appendArgs}
 * @param appendArgs whether the script appends the command's arguments to {@code argv} (its own
 *     bytes, as the shell got them, whatever the locale)
 * @param recordArchive where {@code argv}'s JVM records its class-data archive at exit (the script
 *     renames {@link #recordTemp} to it when the JVM wrote one), or null
 * @param recordTemp the file the JVM writes the archive to, or null
 * @param daemonSocket the socket of the daemon to hand the run to first ({@code
 *     FORKLINE_DAEMON=1}), or null; exit {@code 75} from the clients means: run {@code argv}
 * @param daemonCommand the daemon's own command line, for the client that starts it
 * @param javaClient the Java daemon client's command line
 * @param cacheable whether the same inputs give the same plan next time (a plan that records an
 *     archive does not: the archive exists afterwards)
 */
public record LaunchPlan(
    Map<String, String> env,
    List<String> argv,
    boolean appendArgs,
    Path recordArchive,
    Path recordTemp,
    Path daemonSocket,
    List<String> daemonCommand,
    List<String> javaClient,
    boolean cacheable) {

  /** The pipeline a config names on its {@code pipeline:} line. */
  private static final Pattern PIPELINE =
      Pattern.compile("^pipeline:\\s*[\"']?(url-scrape|image-filter)");

  /** C1 alone: for a scrape driver, and wherever the image loops are native. */
  static final List<String> C1_ONLY = List.of("-XX:TieredStopAtLevel=1");

  /** C2 only for what loops: the image loops in Java, without native filters. */
  static final List<String> C2_FOR_LOOPS =
      List.of(
          "-XX:Tier4InvocationThreshold=100000",
          "-XX:Tier4MinInvocationThreshold=100000",
          "-XX:Tier4CompileThreshold=100000");

  static final String SCRAPE_HEAP = "-Xmx768m";
  static final String IMAGE_HEAP = "-Xmx1g";

  /** Pixel arrays are G1 humongous objects, freed only at a young collection. */
  static final String IMAGE_YOUNG = "-XX:MaxNewSize=64m";

  private static final String DAEMON_CLASS = "dev.forkline.pipelines.daemon.Daemon";

  public static LaunchPlan of(LaunchInputs in) {
    String command = in.args().isEmpty() ? "" : in.args().get(0);
    String runner = option(in.args(), "--runner").orElse("direct");
    Path jar = in.jar(command, runner);
    String opts = in.env().getOrDefault("FORKLINE_JAVA_OPTS", "");
    List<String> userFlags = words(opts);
    boolean nativeLoops = nativeLoops(in);
    // As the shell's ${FORKLINE_CDS:-1} = 1: on when unset or empty, off for any other value.
    String cdsSetting = in.env().getOrDefault("FORKLINE_CDS", "");
    boolean cds = cdsSetting.isEmpty() || cdsSetting.equals("1");
    List<String> javaClient =
        List.of(
            "java",
            "-Xshare:auto",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xlog:disable",
            "-jar",
            in.root().resolve("pipelines/target/forkline-client.jar").toString());
    Map<String, String> env = environment(in, runner);

    if (command.equals("daemon")) {
      return daemonControl(in, env, javaClient);
    }

    String kind = command.equals("run") ? kind(in) : null;
    List<String> jvm = jvmFlags(in, command, kind, opts, nativeLoops);

    Path daemonSocket = null;
    List<String> daemonCommand = List.of();
    if (usesDaemon(in, command, runner)) {
      daemonCommand = daemonCommand(in, jar, userFlags, nativeLoops, opts, cds);
      daemonSocket = daemonDir(in).resolve(daemonKey(in, jar, daemonCommand) + ".sock");
    }

    Recording recording = cds ? classArchive(in, command, kind, jar, jvm) : Recording.NONE;
    Path recordArchive = recording.archive();
    Path recordTemp = recording.temp();
    boolean cacheable = recordTemp == null;
    List<String> argv = new ArrayList<>();
    argv.add("java");
    argv.addAll(jvm);
    argv.add("-jar");
    argv.add(jar.toString());
    return new LaunchPlan(
        env,
        argv,
        true,
        recordArchive,
        recordTemp,
        daemonSocket,
        daemonCommand,
        javaClient,
        cacheable);
  }

  /** The class-data archive a run records at its exit, and the file it writes first; or none. */
  private record Recording(Path archive, Path temp) {
    static final Recording NONE = new Recording(null, null);
  }

  /**
   * Maps the pipeline's class-data archive into the JVM when it is fresh; otherwise a run records
   * one (the classes it loads) at its exit. Returns the archive and its temporary file when this
   * run records, else {@link Recording#NONE}.
   */
  private static Recording classArchive(
      LaunchInputs in, String command, String kind, Path jar, List<String> jvm) {
    Path archive = sibling(jar, (kind == null ? "" : "-" + kind) + ".jsa");
    if (!command.equals("run")) {
      archive = freshArchive(in, jar, "-image-filter.jsa", "-url-scrape.jsa", ".jsa");
    }
    if (archive != null && fresh(in, archive, jar)) {
      jvm.add("-XX:SharedArchiveFile=" + archive);
    } else if (command.equals("run") && in.files().isWritableFolder(archive.getParent())) {
      Path temp = sibling(archive, "." + in.nonce() + ".tmp");
      jvm.add("-XX:ArchiveClassesAtExit=" + temp);
      return new Recording(archive, temp);
    }
    return Recording.NONE;
  }

  /** {@code forkline daemon status|stop}: the Java client asks the daemons. */
  private static LaunchPlan daemonControl(
      LaunchInputs in, Map<String, String> env, List<String> javaClient) {
    String what = in.args().size() > 1 ? in.args().get(1) : "";
    if (!what.equals("status") && !what.equals("stop")) {
      throw new LaunchException(
          "usage: forkline daemon status|stop (the daemons run with FORKLINE_DAEMON=1)");
    }
    List<String> argv = new ArrayList<>(javaClient);
    argv.add(what);
    argv.add(daemonDir(in).toString());
    return new LaunchPlan(env, argv, false, null, null, null, List.of(), javaClient, true);
  }

  /** Whether the image loops run in the native library: built here and not turned off. */
  private static boolean nativeLoops(LaunchInputs in) {
    Path unavailable =
        in.root()
            .resolve(
                "workers/target/classes/dev/forkline/workers/native/forkline_filters.UNAVAILABLE");
    return !in.files().exists(unavailable) && !"0".equals(in.env().get("FORKLINE_NATIVE_FILTERS"));
  }

  /** The environment the command gets besides the user's own. */
  private static Map<String, String> environment(LaunchInputs in, String runner) {
    Map<String, String> env = new LinkedHashMap<>();
    String sparkMaster = option(in.args(), "--spark-master").orElse("");
    if (runner.equals("spark") && (sparkMaster.isEmpty() || sparkMaster.startsWith("local"))) {
      // Spark in this JVM binds its driver to this address; the host name may not resolve.
      env.put("SPARK_LOCAL_IP", in.env().getOrDefault("SPARK_LOCAL_IP", "127.0.0.1"));
    }
    return env;
  }

  /**
   * The JVM's flags for a command: logging, the JIT tiers and heap a pipeline of {@code kind} wants
   * (unless the user's {@code FORKLINE_JAVA_OPTS} sets them), then the user's own.
   */
  private static List<String> jvmFlags(
      LaunchInputs in, String command, String kind, String opts, boolean nativeLoops) {
    List<String> jvm = new ArrayList<>();
    jvm.add("-Xlog:disable");
    jvm.add("-Xlog:all=error:stderr");
    jvm.add("-Dforkline.stderr.tty=" + in.stderrIsTerminal());
    jvm.add("-Dforkline.home=" + in.root());
    if ((command.equals("run") || command.equals("bench")) && !opts.contains("Tier")) {
      jvm.addAll("url-scrape".equals(kind) || nativeLoops ? C1_ONLY : C2_FOR_LOOPS);
    }
    if ("url-scrape".equals(kind) && !opts.contains("-Xmx")) {
      jvm.add(SCRAPE_HEAP);
    }
    if ("image-filter".equals(kind) && !opts.contains("-Xmx")) {
      jvm.add(IMAGE_HEAP);
    }
    if ("image-filter".equals(kind) && !opts.contains("NewSize")) {
      jvm.add(IMAGE_YOUNG);
    }
    jvm.addAll(words(opts));
    return jvm;
  }

  /** The pipeline of the config a {@code run} names: its first readable .yml/.yaml argument. */
  static String kind(LaunchInputs in) {
    for (String arg : in.args().subList(1, in.args().size())) {
      String lower = arg.toLowerCase(Locale.ROOT);
      Path path = in.cwd().resolve(arg);
      if ((lower.endsWith(".yml") || lower.endsWith(".yaml")) && in.files().isReadable(path)) {
        List<String> lines;
        try {
          lines = in.files().lines(path);
        } catch (java.io.UncheckedIOException e) {
          return null; // the run itself reports the config it cannot read
        }
        for (String line : lines) {
          Matcher m = PIPELINE.matcher(line);
          if (m.find()) {
            return m.group(1);
          }
        }
        return null;
      }
    }
    return null;
  }

  /**
   * A Direct {@code run} with {@code FORKLINE_DAEMON=1} goes to a daemon, unless it asks for
   * verbose logs or help, or there is no {@code setsid} to start one in a session of its own.
   */
  private static boolean usesDaemon(LaunchInputs in, String command, String runner) {
    if (!"1".equals(in.env().get("FORKLINE_DAEMON"))
        || !command.equals("run")
        || !runner.equals("direct")
        || !in.hasSetsid()) {
      return false;
    }
    for (String arg : in.args()) {
      if (arg.equals("-v") || arg.equals("--verbose") || arg.equals("-h") || arg.equals("--help")) {
        return false;
      }
    }
    return true;
  }

  /**
   * The daemon's JVM: C1 alone when the filter loops are native (C2 never caught up over its first
   * runs on 2 cores), G1 giving the heap back when idle, the first fresh archive there is.
   */
  private static List<String> daemonCommand(
      LaunchInputs in,
      Path jar,
      List<String> userFlags,
      boolean nativeLoops,
      String opts,
      boolean cds) {
    List<String> cmd = new ArrayList<>();
    cmd.add("java");
    cmd.add("-Xlog:disable");
    cmd.add("-Xlog:all=error:stderr");
    cmd.add("-Dforkline.home=" + in.root());
    cmd.add("-XX:+UseG1GC");
    cmd.add("-XX:G1PeriodicGCInterval=60000");
    cmd.add(
        "-Dforkline.daemon.idle-minutes="
            + in.env().getOrDefault("FORKLINE_DAEMON_IDLE_MINUTES", "30"));
    if (!opts.contains("Tier") && nativeLoops) {
      cmd.addAll(C1_ONLY);
    }
    cmd.addAll(userFlags);
    if (cds) {
      Path archive = freshArchive(in, jar, "-image-filter.jsa", "-url-scrape.jsa");
      if (archive != null) {
        cmd.add("-XX:SharedArchiveFile=" + archive);
      }
    }
    cmd.add("-cp");
    cmd.add(jar.toString());
    cmd.add(DAEMON_CLASS);
    return cmd;
  }

  /** The variables a run inherits that change what it does: a change gets a daemon of its own. */
  static final List<String> DAEMON_ENV =
      List.of(
          "JAVA_TOOL_OPTIONS",
          "_JAVA_OPTIONS",
          "TMPDIR",
          "HOME",
          "LANG",
          "TZ",
          "http_proxy",
          "https_proxy",
          "no_proxy",
          "HTTP_PROXY",
          "HTTPS_PROXY",
          "NO_PROXY");

  /**
   * The daemon's key: a hash of the jar (and its time), the folder, the java binary, the daemon's
   * command line and the settings it inherits, so a change of any of them gets a daemon of its own.
   */
  static String daemonKey(LaunchInputs in, Path jar, List<String> daemonCommand) {
    StringBuilder text = new StringBuilder();
    text.append(jar)
        .append(' ')
        .append(in.files().modifiedMillis(jar))
        .append(' ')
        .append(in.cwd())
        .append(' ')
        .append(in.javaBin())
        .append('\n');
    daemonCommand.forEach(word -> text.append(word).append('\n'));
    Map<String, String> settings = new TreeMap<>();
    in.env()
        .forEach(
            (name, value) -> {
              if (name.startsWith("FORKLINE_")
                  || name.startsWith("LC_")
                  || DAEMON_ENV.contains(name)) {
                settings.put(name, value);
              }
            });
    settings.forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** Where the daemons' sockets live: {@code $XDG_RUNTIME_DIR/forkline-UID}, or under /tmp. */
  static Path daemonDir(LaunchInputs in) {
    String base = in.env().get("XDG_RUNTIME_DIR");
    return Path.of(base == null || base.isEmpty() ? "/tmp" : base, "forkline-" + in.uid());
  }

  private static Path freshArchive(LaunchInputs in, Path jar, String... suffixes) {
    for (String suffix : suffixes) {
      Path candidate = sibling(jar, suffix);
      if (fresh(in, candidate, jar)) {
        return candidate;
      }
    }
    return null;
  }

  /** An archive recorded after the jar was built: one from an older jar would be refused. */
  private static boolean fresh(LaunchInputs in, Path archive, Path jar) {
    return in.files().exists(archive)
        && in.files().modifiedMillis(archive) > in.files().modifiedMillis(jar);
  }

  /** {@code a/b/forkline.jar} with {@code suffix} for its {@code .jar}. */
  private static Path sibling(Path jar, String suffix) {
    String name = jar.getFileName().toString();
    String stem = name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name;
    return jar.resolveSibling(stem + suffix);
  }

  /** The value of {@code --name VALUE} or {@code --name=VALUE}. */
  static Optional<String> option(List<String> args, String name) {
    String value = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals(name) && i + 1 < args.size()) {
        value = args.get(i + 1);
      } else if (arg.startsWith(name + "=")) {
        value = arg.substring(name.length() + 1);
      }
    }
    return Optional.ofNullable(value);
  }

  /** {@code FORKLINE_JAVA_OPTS} split at white space, as a shell splits an unquoted variable. */
  static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    for (String word : text.trim().split("\\s+")) {
      if (!word.isEmpty()) {
        words.add(word);
      }
    }
    return words;
  }
}
