package dev.forkline.pipelines.bench;

import dev.forkline.pipelines.bench.BenchReport.HostsRow;
import java.util.List;
import java.util.Locale;

/** What the numbers say, in words, from the numbers: the lines under the report's tables. */
final class BenchFindings {
  private BenchFindings() {}

  /** The many-hosts rows: the mix's cost to the fast hosts; empty without both cases. */
  static String hosts(List<HostsRow> rows) {
    HostsRow fast = null;
    HostsRow mix = null;
    for (HostsRow r : rows) {
      if (r.name().startsWith("fast alone")) {
        fast = r;
      } else if (r.name().startsWith("mix")) {
        mix = r;
      }
    }
    if (fast == null
        || mix == null
        || Double.isNaN(fast.fastDone())
        || Double.isNaN(mix.fastDone())) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "- The slow host cost the fast hosts %+.2f s: their last page was answered at %.2f s"
            + " with it, %.2f s alone (their bound %.2f s).%n",
        mix.fastDone() - fast.fastDone(),
        mix.fastDone(),
        fast.fastDone(),
        fast.bound());
  }
}
