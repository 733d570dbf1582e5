package dev.forkline.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forkline bench}'s many-hosts options that a user can get wrong (nothing is run). */
class BenchCommandTest {
  @TempDir Path dir;
  private final StringWriter err = new StringWriter();

  private int bench(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "bench";
    all[1] = "--out";
    all[2] = dir.toString();
    System.arraycopy(args, 0, all, 3, args.length);
    return ForklineCli.execute(
        all, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
  }

  @Test
  void anUnknownWorkloadExitsTwoAndNamesTheOneAccepted() {
    assertEquals(ExitCodes.USAGE, bench("--only", "fetch"));
    assertTrue(
        err.toString().contains("--only fetch: the workload that can run alone is many-hosts"),
        err.toString());
  }

  @Test
  void aDelayThatIsNoDurationExitsTwo() {
    assertEquals(ExitCodes.USAGE, bench("--only", "many-hosts", "--delay", "half"));
    assertTrue(err.toString().contains("--delay half: 'half' is not a duration"), err.toString());
  }

  @Test
  void tooManyHostsExitsTwoWithTheRange() {
    assertEquals(ExitCodes.USAGE, bench("--only", "many-hosts", "--hosts", "300"));
    assertTrue(err.toString().contains("must be 1 to 253"), err.toString());
  }

  @Test
  void onePagePerHostExitsTwo() {
    assertEquals(ExitCodes.USAGE, bench("--only", "many-hosts", "--pages", "1"));
    assertTrue(err.toString().contains("pages per host must be 2 or more"), err.toString());
  }

  @Test
  void anImageSizeThatIsNotWidthByHeightExitsTwo() {
    assertEquals(ExitCodes.USAGE, bench("--make-images", "2", "--image-size", "4000*2880"));
    assertTrue(err.toString().contains("give WIDTHxHEIGHT"), err.toString());
  }

  @Test
  void anImageSizeWithoutMakeImagesExitsTwo() {
    assertEquals(ExitCodes.USAGE, bench("--image-size", "4000x2880"));
    assertTrue(err.toString().contains("--image-size goes with --make-images"), err.toString());
  }
}
