package dev.forkline.pipelines.run;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the cluster tests' clusters of separate JVMs share: start, logs, ports, the kill at the end.
 */
public final class ClusterProcesses {
  private ClusterProcesses() {}

  /** A JVM of this JVM's Java running {@code main}, its output to {@code log}. */
  public static Process java(
      Path log,
      List<String> jvm,
      String classpath,
      String main,
      List<String> args,
      Map<String, String> env)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvm);
    command.add("-cp");
    command.add(classpath);
    command.add(main);
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return builder.start();
  }

  /** The last lines of a log, for a failure's message. */
  public static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no " + log.getFileName() + ": " + e + ")";
    }
  }

  /** Kills the processes and all their descendants, and waits for them to exit. */
  public static void killAll(List<Process> processes) {
    List<ProcessHandle> tree = new ArrayList<>();
    for (Process p : processes) {
      tree.addAll(p.descendants().toList());
      tree.add(p.toHandle());
    }
    tree.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : tree) {
      p.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(t -> null).join();
    }
  }

  /** A port free on this machine now. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
