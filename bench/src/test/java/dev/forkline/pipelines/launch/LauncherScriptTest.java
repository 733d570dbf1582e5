package dev.forkline.pipelines.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code forkline} script itself, in a checkout of its own that holds the jars this build made
 * (the bench module's tests run after the pipelines module is packaged): what reaches the CLI, and
 * a checkout it cannot keep plans in.
 */
class LauncherScriptTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path root;

  @BeforeEach
  void checkout() throws IOException {
    Files.copy(
        REPO.resolve("forkline"), root.resolve("forkline"), StandardCopyOption.COPY_ATTRIBUTES);
    Path target = Files.createDirectories(root.resolve("pipelines/target"));
    for (String jar : List.of("forkline.jar", "forkline-client.jar")) {
      Path built = REPO.resolve("pipelines/target").resolve(jar);
      assertTrue(Files.isRegularFile(built), built + " (built by the pipelines module)");
      Files.createSymbolicLink(target.resolve(jar), built);
    }
  }

  private record Run(int exit, String stderr) {}

  private Run forkline(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", root.resolve("forkline").toString()));
    command.addAll(List.of(args));
    Path err = root.resolve("stderr.txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(err.toFile());
    builder.environment().remove("FORKLINE_DAEMON");
    Process p = builder.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher finished");
    return new Run(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void argumentsReachTheCliByteForByte() throws Exception {
    String name = "it's a $HOME `id` \"x\".yaml";
    Run run = forkline("validate", name);
    assertEquals(2, run.exit(), run.stderr());
    assertTrue(run.stderr().contains(name), run.stderr());
    Run again = forkline("validate", name); // from the kept plan
    assertEquals(run, again);
  }

  @Test
  void aCheckoutWithNoRoomForPlansStillRuns() throws Exception {
    Files.writeString(root.resolve("pipelines/target/plans"), "not a folder");
    Run run = forkline("validate", "missing.yaml");
    assertEquals(2, run.exit(), run.stderr());
    assertTrue(run.stderr().contains("missing.yaml"), run.stderr());
    try (var left = Files.list(root.resolve("pipelines/target"))) {
      assertEquals(
          List.of("forkline-client.jar", "forkline.jar", "plans"),
          left.map(p -> p.getFileName().toString())
              .filter(n -> !n.startsWith("."))
              .sorted()
              .toList());
    }
  }
}
