package dev.forkline.pipelines.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a {@link LaunchPlan} is made from: the command's arguments, the environment, the files it
 * looks at (through {@link FileView}, so tests give their own).
 *
 * @param root the forkline folder (the script's)
 * @param args the command's arguments, as given to the script
 * @param env the environment
 * @param cwd the folder the command runs in
 * @param uid the user's id (the daemons' socket folder is per user)
 * @param javaBin the java binary, links resolved (part of the daemon's key)
 * @param stderrIsTerminal whether stderr is a terminal (live progress)
 * @param hasSetsid whether {@code setsid} is there to start a daemon in a session of its own
 * @param nonce a word unique to this launch, for temporary file names
 * @param files the file system as the plan sees it
 */
public record LaunchInputs(
    Path root,
    List<String> args,
    Map<String, String> env,
    Path cwd,
    long uid,
    String javaBin,
    boolean stderrIsTerminal,
    boolean hasSetsid,
    String nonce,
    FileView files) {

  public LaunchInputs {
    args = List.copyOf(args);
    env = Map.copyOf(env);
  }

  /**
   * The jar a command runs from: the lean Direct CLI, a cluster runner's with its engine, or for
   * {@code bench} the bench module's (forkline.jar on its class path).
   */
  public Path jar(String command, String runner) {
    if (command.equals("bench")) {
      return root.resolve("bench/target/forkline-bench.jar");
    }
    if (command.equals("serve")) {
      return root.resolve("serve/target/forkline-serve.jar");
    }
    return switch (runner) {
      case "flink", "spark" ->
          root.resolve("runners/" + runner + "/target/forkline-" + runner + ".jar");
      default -> root.resolve("pipelines/target/forkline.jar");
    };
  }

  /** The files a plan reads: whether they exist, their times, a config's lines. */
  public interface FileView {
    boolean exists(Path path);

    boolean isReadable(Path path);

    /** The modification time in milliseconds; 0 if the file is not there. */
    long modifiedMillis(Path path);

    List<String> lines(Path path);

    /** Whether this user can make files in the folder. */
    boolean isWritableFolder(Path path);

    /** The real file system. */
    FileView REAL =
        new FileView() {
          @Override
          public boolean exists(Path path) {
            return Files.exists(path);
          }

          @Override
          public boolean isReadable(Path path) {
            return Files.isRegularFile(path) && Files.isReadable(path);
          }

          @Override
          public boolean isWritableFolder(Path path) {
            return Files.isDirectory(path) && Files.isWritable(path);
          }

          @Override
          public long modifiedMillis(Path path) {
            try {
              return Files.getLastModifiedTime(path).toMillis();
            } catch (IOException e) {
              return 0;
            }
          }

          @Override
          public List<String> lines(Path path) {
            try {
              return Files.readAllLines(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
              try {
                return Files.readAllLines(path, StandardCharsets.ISO_8859_1);
              } catch (IOException again) {
                throw new UncheckedIOException(again);
              }
            }
          }
        };
  }
}
