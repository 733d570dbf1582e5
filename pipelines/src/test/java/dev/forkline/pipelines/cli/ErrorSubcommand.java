package dev.forkline.pipelines.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * A test-only command ({@code forkline test-error}) that leaves a non-daemon thread running, as a
 * runner's workers do, then fails with an error, as a run out of memory does.
 */
public final class ErrorSubcommand implements Subcommand {
  @Override
  public Object command() {
    return new Run();
  }

  @Command(name = "test-error", hidden = true)
  static final class Run implements Callable<Integer> {
    @Override
    public Integer call() {
      Thread busy =
          new Thread(
              () -> {
                try {
                  Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                  // ends with the JVM
                }
              },
              "test-non-daemon");
      busy.start();
      throw new OutOfMemoryError("Java heap space (thrown by the test)");
    }
  }
}
