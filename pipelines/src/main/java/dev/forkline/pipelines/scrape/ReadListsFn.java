package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.exec.BatchChunks;
import dev.forkline.pipelines.exec.Failure;
import dev.forkline.pipelines.exec.StageException;
import dev.forkline.pipelines.exec.StageMetrics;
import dev.forkline.pipelines.run.ResumeVerdicts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Reads the URL lists (one element: their paths, one per line), normalizes every entry and keeps
 * one task per distinct URL (the first place it appears, and how often), then deals the tasks into
 * batches <em>by host</em> ({@link HostDeal}, in chunks, see {@link BatchChunks}): every URL of one
 * host lands in the same batch, so on a cluster runner one worker fetches a host and the per-host
 * limit and delay (kept per worker JVM) hold for the whole run, as Nutch partitions its fetch lists
 * by host. A line that is no fetchable URL becomes a failed {@code invalid-url} task of its own, a
 * line that cannot be read (undecodable, or a malformed CSV record) a failed {@code
 * invalid-list-line} task keyed by its {@code PATH:LINE}; nothing is dropped without a row. With
 * {@code --resume}, URLs an earlier run finished are skipped, and what was decided for each earlier
 * URL the lists still have goes to the {@link ResumeVerdicts#TAG} output.
 *
 * <p>De-duplication is in memory (about 200 bytes per distinct URL): lists of millions of URLs fit
 * a default heap.
 */
final class ReadListsFn extends DoFn<String, KV<Integer, List<UrlTask>>> {
  /**
   * URLs per batch on average: a batch is one bundle of the fetch and parse stages. A batch holds
   * whole hosts, so one host's URLs are never split, and a host this large has a batch of its own.
   */
  static final int BATCH_URLS = 512;

  private final PCollectionView<Map<String, String>> done;
  private final Sitemaps sitemaps;
  private transient Counter inputs;
  private transient Counter skipped;
  private transient Counter duplicates;

  ReadListsFn(PCollectionView<Map<String, String>> done, Sitemaps sitemaps) {
    this.done = done;
    this.sitemaps = sitemaps;
  }

  @Setup
  public void setup() {
    inputs = StageMetrics.inputs();
    skipped = StageMetrics.counter(StageMetrics.RESUME_SKIPPED);
    duplicates = StageMetrics.counter("urls.duplicates");
  }

  @ProcessElement
  public void process(ProcessContext context) throws IOException, InterruptedException {
    Map<String, String> recordedRows = done == null ? Map.of() : context.sideInput(done);
    Map<String, UrlTask> tasks = new LinkedHashMap<>();
    String[] files = context.element().split("\n");
    for (String file : files) {
      UrlLists.read(Path.of(file), entry -> add(tasks, task(entry)));
    }
    if (sitemaps != null && sitemaps.settings().any()) {
      sitemaps.readAll(files.length, tasks.values(), (task, order) -> add(tasks, task));
    }
    // A URL is its own identity: an earlier ok row stands if the lists still have its URL (and
    // no sitemap says it changed since it was fetched).
    java.util.Set<String> finished = new java.util.HashSet<>();
    for (UrlTask task : tasks.values()) {
      String recorded = recordedRows.get(task.key);
      if (recorded != null) {
        String verdict = Sitemaps.verdict(recorded, task.lastmod);
        context.output(ResumeVerdicts.TAG, KV.of(task.key, verdict));
        if (ResumeVerdicts.KEEP.equals(verdict)) {
          finished.add(task.key);
        }
      }
    }
    Map<String, java.util.ArrayDeque<UrlTask>> byHost = new LinkedHashMap<>();
    for (UrlTask task : tasks.values()) {
      inputs.inc();
      if (finished.contains(task.key)) {
        skipped.inc();
      } else {
        byHost.computeIfAbsent(hostOf(task), h -> new java.util.ArrayDeque<>()).add(task);
      }
    }
    Map<String, Integer> perHost = new java.util.HashMap<>();
    byHost.forEach((host, queue) -> perHost.put(host, queue.size()));
    HostDeal deal = HostDeal.of(perHost);
    Map<Integer, List<java.util.ArrayDeque<UrlTask>>> hostsOfBatch = new LinkedHashMap<>();
    byHost.forEach(
        (host, queue) ->
            hostsOfBatch
                .computeIfAbsent(deal.batchOf(host), b -> new java.util.ArrayList<>())
                .add(queue));
    BatchChunks<UrlTask> chunks =
        new BatchChunks<>((batch, chunk) -> context.output(KV.of(batch, chunk)));
    hostsOfBatch.forEach((batch, queues) -> interleave(queues, task -> chunks.add(batch, task)));
    chunks.flush();
  }

  /** Adds a task, or counts it as another occurrence of the task of its key. */
  private void add(Map<String, UrlTask> tasks, UrlTask task) {
    UrlTask earlier = tasks.putIfAbsent(task.key, task);
    if (earlier != null) {
      earlier.occurrences++;
      earlier.lastmod = UrlEntry.newest(earlier.lastmod, task.lastmod);
      duplicates.inc();
    }
  }

  /**
   * Takes one task of each host in turn, in the order the hosts first appear: a batch's first
   * elements then span its hosts, so the fetch stage's bounded queue has every host's next URL
   * early instead of the first hosts' whole lists (a list is usually grouped by host).
   */
  static void interleave(
      List<java.util.ArrayDeque<UrlTask>> queues, java.util.function.Consumer<UrlTask> out) {
    List<java.util.ArrayDeque<UrlTask>> left = new java.util.ArrayList<>(queues);
    while (!left.isEmpty()) {
      int kept = 0;
      for (java.util.ArrayDeque<UrlTask> queue : left) {
        out.accept(queue.poll());
        if (!queue.isEmpty()) {
          left.set(kept++, queue);
        }
      }
      left.subList(kept, left.size()).clear();
    }
  }

  /**
   * The host a task is dealt by: its scheme-less authority, the fetch stage's politeness key; tasks
   * without one (invalid URLs, already failed) share the empty host.
   */
  static String hostOf(UrlTask task) {
    return task.host == null ? "" : task.host;
  }

  static UrlTask task(UrlLists.Entry entry) {
    if (entry.problem() != null) {
      UrlTask task = new UrlTask(entry.where(), entry.text(), entry.source());
      task.fail(
          new Failure("list", FetchKind.INVALID_LIST_LINE, entry.where() + ": " + entry.problem()));
      return task;
    }
    return task(entry.text(), entry.source());
  }

  /** The task of a URL as written, seen first at {@code source}; failed if it is no URL. */
  static UrlTask task(String text, String source) {
    try {
      String url = UrlNormalizer.normalize(text);
      UrlTask task = new UrlTask(url, text, source);
      task.url = url;
      task.host = UrlNormalizer.authority(url);
      return task;
    } catch (StageException e) {
      UrlTask task = new UrlTask(text, text, source);
      task.fail(new Failure("normalize", e.kind(), e.getMessage()));
      return task;
    }
  }
}
