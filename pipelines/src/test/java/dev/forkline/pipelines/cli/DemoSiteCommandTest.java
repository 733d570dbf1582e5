package dev.forkline.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forkline demo-site}'s options that a user can get wrong (a good start blocks). */
class DemoSiteCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int demoSite(String... args) throws Exception {
    Path site = Files.createDirectories(dir.resolve("site"));
    String[] all = new String[args.length + 2];
    all[0] = "demo-site";
    all[1] = site.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return ForklineCli.execute(all, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void hostsOutOfRangeExitsTwoWithTheAcceptedRange() throws Exception {
    assertEquals(ExitCodes.USAGE, demoSite("--hosts", "300"));
    assertTrue(
        err.toString().contains("--hosts 300: accepted values are 1 to 254"), err.toString());
  }

  @Test
  void crawlDelayWithoutAnEqualsSignExitsTwo() throws Exception {
    assertEquals(ExitCodes.USAGE, demoSite("--hosts", "2", "--crawl-delay", "127.0.0.2"));
    assertTrue(err.toString().contains("expected HOST=DURATION"), err.toString());
  }

  @Test
  void crawlDelayOnAHostNotServedExitsTwo() throws Exception {
    assertEquals(ExitCodes.USAGE, demoSite("--hosts", "20", "--crawl-delay", "127.0.0.21=5s"));
    assertTrue(
        err.toString().contains("127.0.0.21 is not served; --hosts 20 serves 127.0.0.1 to"),
        err.toString());
  }

  @Test
  void crawlDelayThatIsNoDurationExitsTwo() throws Exception {
    assertEquals(ExitCodes.USAGE, demoSite("--crawl-delay", "127.0.0.1=soon"));
    assertTrue(err.toString().contains("'soon' is not a duration"), err.toString());
  }

  @Test
  void crawlDelayOnANonLoopbackAddressExitsTwo() throws Exception {
    assertEquals(ExitCodes.USAGE, demoSite("--crawl-delay", "example.com=5s"));
    assertTrue(err.toString().contains("accepted are 127.0.0.1 to 127.0.0.254"), err.toString());
  }
}
