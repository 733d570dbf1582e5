package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.exec.Failure;
import dev.forkline.pipelines.exec.StageException;
import dev.forkline.pipelines.exec.StageMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Reads the URL lists (one element: their paths, one per line), normalizes every entry and keeps
 * one task per distinct URL (the first place it appears, and how often), then deals the tasks into
 * batches. A line that is no fetchable URL becomes a failed {@code invalid-url} task of its own;
 * nothing is dropped without a row. With {@code --resume}, URLs an earlier run finished are
 * skipped.
 *
 * <p>De-duplication is in memory (about 200 bytes per distinct URL): lists of millions of URLs fit
 * a default heap.
 */
final class ReadListsFn extends DoFn<String, KV<Integer, UrlTask>> {
  /** URLs per batch: a batch is one bundle of the fetch and parse stages. */
  static final int BATCH_URLS = 512;

  private final PCollectionView<Map<String, Boolean>> done;
  private transient Counter inputs;
  private transient Counter skipped;
  private transient Counter duplicates;

  ReadListsFn(PCollectionView<Map<String, Boolean>> done) {
    this.done = done;
  }

  @Setup
  public void setup() {
    inputs = StageMetrics.inputs();
    skipped = Metrics.counter(StageMetrics.NAMESPACE, StageMetrics.RESUME_SKIPPED);
    duplicates = Metrics.counter(StageMetrics.NAMESPACE, "urls.duplicates");
  }

  @ProcessElement
  public void process(ProcessContext context) throws IOException {
    Map<String, Boolean> finished = done == null ? Map.of() : context.sideInput(done);
    Map<String, UrlTask> tasks = new LinkedHashMap<>();
    for (String file : context.element().split("\n")) {
      UrlLists.read(
          Path.of(file),
          entry -> {
            UrlTask task = task(entry);
            UrlTask earlier = tasks.putIfAbsent(task.key, task);
            if (earlier != null) {
              earlier.occurrences++;
              duplicates.inc();
            }
          });
    }
    int n = 0;
    for (UrlTask task : tasks.values()) {
      inputs.inc();
      if (finished.containsKey(task.key)) {
        skipped.inc();
        continue;
      }
      context.output(KV.of(n++ / BATCH_URLS, task));
    }
  }

  static UrlTask task(UrlLists.Entry entry) {
    try {
      String url = UrlNormalizer.normalize(entry.text());
      UrlTask task = new UrlTask(url, entry.text(), entry.source());
      task.url = url;
      task.host = java.net.URI.create(url).getRawAuthority();
      return task;
    } catch (StageException e) {
      UrlTask task = new UrlTask(entry.text(), entry.text(), entry.source());
      task.fail(new Failure("normalize", e.kind(), e.getMessage()));
      return task;
    }
  }
}
