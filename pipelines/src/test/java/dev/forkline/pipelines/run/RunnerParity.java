package dev.forkline.pipelines.run;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample configs end to end on a cluster runner give the same rows as on the Direct runner
 * (timing columns aside) and the same summary counters (Beam metrics). Each runner module extends
 * this with its runner's name; tagged {@code runners} so a quick local build can skip them with
 * {@code -DexcludedGroups=runners}.
 */
@Tag("runners")
public abstract class RunnerParity {
  @TempDir protected Path dir;

  /** The runner under test: {@code flink} or {@code spark}. */
  protected abstract String runner();

  @Test
  void imageSampleGivesTheSameRowsAsDirect() throws Exception {
    assertImageSampleSameAsDirect(null);
  }

  /** The image sample on this test's runner at {@code master} (null: its default) vs Direct. */
  protected void assertImageSampleSameAsDirect(String master) throws Exception {
    new ParityRuns(dir, runner()).imageSample(master);
  }

  @Test
  void scrapeSampleGivesTheSameRowsAsDirect() throws Exception {
    new ParityRuns(dir, runner()).scrapeSample(null);
  }

  /** The repository root: the folder above the test's module with the sample configs. */
  protected static Path repo() {
    return ParityRuns.repo();
  }
}
