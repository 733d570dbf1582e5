package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.exec.BatchChunks;
import dev.forkline.pipelines.exec.StageMetrics;
import dev.forkline.pipelines.run.ResumeVerdicts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Keys;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The url-scrape listing split over a runner's workers, for lists no one task should hold: each
 * list is planned into ranges of about {@code rangeBytes} ({@link ListRange}), the ranges are
 * spread and read in parallel, the entries are de-duplicated by URL in a keyed combine (the first
 * place a URL is seen and how often, as {@link ReadListsFn} keeps them in memory), the earlier rows
 * a {@code --resume} keeps are skipped, and the URLs are dealt into batches by host ({@link
 * HostDeal}, from a count of the hosts with a batch's worth of URLs) and interleaved by host within
 * each batch. Makes the same tasks, in the same batches, as {@link ReadListsFn}.
 */
final class SplitUrlListing {
  private SplitUrlListing() {}

  /** The tasks of {@code lists}, listed by the runner's workers. */
  static PCollection<UrlTask> tasks(
      Pipeline pipeline,
      List<Path> lists,
      long rangeBytes,
      Sitemaps sitemaps,
      PCollectionView<Map<String, String>> done,
      ResumeVerdicts verdicts) {
    List<KV<Integer, String>> indexed = new ArrayList<>();
    for (int i = 0; i < lists.size(); i++) {
      indexed.add(KV.of(i, lists.get(i).toString()));
    }
    PCollection<KV<String, UrlEntry>> entries =
        pipeline
            .apply(
                "URL lists",
                Create.of(indexed).withCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of())))
            .apply("Plan ranges", ParDo.of(new PlanFn(rangeBytes)))
            .setCoder(SerializableCoder.of(ListRange.class))
            .apply("Spread ranges", Reshuffle.viaRandomKey())
            .apply("Read ranges", ParDo.of(new ReadRangeFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), UrlEntry.CODER));
    if (sitemaps.settings().any()) {
      entries =
          PCollectionList.of(entries)
              .and(sitemapEntries(pipeline, lists.size(), sitemaps, entries))
              .apply("Lists and sitemaps", Flatten.pCollections());
    }
    PCollection<UrlEntry> distinct =
        ResumeVerdicts.listing(
                "Skip finished",
                entries.apply("Dedupe by URL", Combine.perKey(new FirstSeen())),
                new SkipFinishedFn(done),
                done,
                verdicts)
            .setCoder(UrlEntry.CODER);
    PCollection<KV<String, Long>> perHost =
        distinct
            .apply("Hosts", MapElements.into(TypeDescriptors.strings()).via(UrlEntry::dealtBy))
            .apply("Count per host", Count.perElement());
    PCollectionView<List<String>> heavy =
        perHost
            .apply(
                "Hosts of a batch's size",
                Filter.by((KV<String, Long> kv) -> kv.getValue() >= ReadListsFn.BATCH_URLS))
            .apply("Heavy hosts", Keys.create())
            .apply("Heavy hosts as a view", View.asList());
    PCollectionView<Long> urls =
        distinct.apply("Count URLs", Count.globally()).apply("URLs as a view", View.asSingleton());
    return distinct
        .apply("Deal hosts", ParDo.of(new DealFn(heavy, urls)).withSideInputs(heavy, urls))
        .setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(UrlEntry.CODER)))
        .apply("Batch", GroupByKey.create())
        .apply("Interleave hosts", ParDo.of(new InterleaveFn()))
        .setCoder(SerializableCoder.of(UrlTask.class));
  }

  /**
   * The entries of the sitemaps: the config's, and with {@code sitemap: true} those the robots.txt
   * of the lists' hosts name; each sitemap read once, at its least index (the config's first).
   */
  private static PCollection<KV<String, UrlEntry>> sitemapEntries(
      Pipeline pipeline, int lists, Sitemaps sitemaps, PCollection<KV<String, UrlEntry>> entries) {
    KvCoder<String, KV<Integer, String>> refs =
        KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of()));
    List<KV<String, KV<Integer, String>>> named = new ArrayList<>();
    for (int i = 0; i < sitemaps.settings().urls().size(); i++) {
      named.add(KV.of(sitemaps.settings().urls().get(i), KV.of(lists + i, "url-scrape.sitemaps")));
    }
    PCollection<KV<String, KV<Integer, String>>> all =
        pipeline.apply("Sitemaps named", Create.of(named).withCoder(refs));
    if (sitemaps.settings().fromRobots()) {
      PCollection<KV<String, KV<Integer, String>>> found =
          entries
              .apply("Origins", ParDo.of(new OriginFn()))
              .setCoder(StringUtf8Coder.of())
              .apply("Distinct origins", Distinct.create())
              .apply("Sitemaps in robots.txt", ParDo.of(new RobotsFn(sitemaps, lists)))
              .setCoder(refs);
      all = PCollectionList.of(all).and(found).apply("All sitemaps", Flatten.pCollections());
    }
    return all.apply("Each sitemap once", Combine.perKey(new FirstRef()))
        .apply("Read sitemaps", ParDo.of(new ReadSitemapFn(sitemaps)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), UrlEntry.CODER));
  }

  /** The origin of each listed URL. */
  static final class OriginFn extends DoFn<KV<String, UrlEntry>, String> {
    @ProcessElement
    public void process(@Element KV<String, UrlEntry> entry, OutputReceiver<String> out) {
      String origin = SitemapReader.originOf(entry.getValue().task());
      if (origin != null) {
        out.output(origin);
      }
    }
  }

  /** The sitemaps an origin's robots.txt names, each at its index, named by that robots.txt. */
  static final class RobotsFn extends DoFn<String, KV<String, KV<Integer, String>>> {
    private final Sitemaps sitemaps;
    private final int lists;
    private transient SitemapReader reader;

    RobotsFn(Sitemaps sitemaps, int lists) {
      this.sitemaps = sitemaps;
      this.lists = lists;
    }

    @Setup
    public void setup() {
      reader = sitemaps.reader();
    }

    @ProcessElement
    public void process(@Element String origin, OutputReceiver<KV<String, KV<Integer, String>>> out)
        throws InterruptedException {
      for (String sitemap : reader.fromRobots(origin)) {
        out.output(
            KV.of(
                sitemap, KV.of(sitemaps.discoveredIndex(lists, sitemap), origin + "/robots.txt")));
      }
    }

    @Teardown
    public void teardown() {
      if (reader != null) {
        reader.close();
      }
    }
  }

  /** Of the places naming one sitemap, the least index, then the least name. */
  static final class FirstRef extends Combine.BinaryCombineFn<KV<Integer, String>> {
    @Override
    public KV<Integer, String> apply(KV<Integer, String> a, KV<Integer, String> b) {
      int c = Integer.compare(a.getKey(), b.getKey());
      return c < 0 || (c == 0 && a.getValue().compareTo(b.getValue()) <= 0) ? a : b;
    }
  }

  /** A sitemap (and those below it) into entries keyed by their rows' keys. */
  static final class ReadSitemapFn
      extends DoFn<KV<String, KV<Integer, String>>, KV<String, UrlEntry>> {
    private final Sitemaps sitemaps;
    private transient SitemapReader reader;

    ReadSitemapFn(Sitemaps sitemaps) {
      this.sitemaps = sitemaps;
    }

    @Setup
    public void setup() {
      reader = sitemaps.reader();
    }

    @ProcessElement
    public void process(
        @Element KV<String, KV<Integer, String>> sitemap, OutputReceiver<KV<String, UrlEntry>> out)
        throws InterruptedException {
      String source = sitemap.getValue().getValue();
      reader.read(
          sitemap.getKey(),
          sitemap.getValue().getKey(),
          source,
          source.startsWith("http") ? source : sitemap.getKey(),
          (task, order) -> out.output(KV.of(task.key, UrlEntry.of(task, order))));
    }

    @Teardown
    public void teardown() {
      if (reader != null) {
        reader.close();
      }
    }
  }

  /** A list into the ranges it is read in. */
  static final class PlanFn extends DoFn<KV<Integer, String>, ListRange> {
    private final long rangeBytes;

    PlanFn(long rangeBytes) {
      this.rangeBytes = rangeBytes;
    }

    @ProcessElement
    public void process(@Element KV<Integer, String> list, OutputReceiver<ListRange> out)
        throws IOException {
      for (ListRange range : ListRange.plan(Path.of(list.getValue()), list.getKey(), rangeBytes)) {
        out.output(range);
      }
    }
  }

  /** A range's entries, each keyed by its row's key. */
  static final class ReadRangeFn extends DoFn<ListRange, KV<String, UrlEntry>> {
    @ProcessElement
    public void process(@Element ListRange range, OutputReceiver<KV<String, UrlEntry>> out)
        throws IOException {
      UrlLists.read(
          range,
          entry -> {
            UrlTask task = ReadListsFn.task(entry);
            out.output(
                KV.of(task.key, UrlEntry.of(task, ListRange.order(range.index(), entry.line()))));
          });
    }
  }

  /** The first entry of a URL, with every entry's occurrences. */
  static final class FirstSeen extends Combine.BinaryCombineFn<UrlEntry> {
    @Override
    public UrlEntry apply(UrlEntry a, UrlEntry b) {
      return UrlEntry.merge(a, b);
    }
  }

  /**
   * Counts each distinct URL and skips those whose earlier row stands ({@code --resume}: a URL is
   * its own identity), reporting the verdict of every earlier URL the lists still have.
   */
  static final class SkipFinishedFn extends DoFn<KV<String, UrlEntry>, UrlEntry> {
    private final PCollectionView<Map<String, String>> done;
    private transient Counter inputs;
    private transient Counter skipped;
    private transient Counter duplicates;

    SkipFinishedFn(PCollectionView<Map<String, String>> done) {
      this.done = done;
    }

    @Setup
    public void setup() {
      inputs = StageMetrics.inputs();
      skipped = StageMetrics.counter(StageMetrics.RESUME_SKIPPED);
      duplicates = StageMetrics.counter("urls.duplicates");
    }

    @ProcessElement
    public void process(ProcessContext context) {
      UrlEntry entry = context.element().getValue();
      inputs.inc();
      duplicates.inc(entry.occurrences() - 1);
      if (done != null) {
        String recorded = context.sideInput(done).get(entry.key());
        if (recorded != null) {
          String verdict = Sitemaps.verdict(recorded, entry.lastmod());
          context.output(ResumeVerdicts.TAG, KV.of(entry.key(), verdict));
          if (ResumeVerdicts.KEEP.equals(verdict)) {
            skipped.inc();
            return;
          }
        }
      }
      context.output(entry);
    }
  }

  /** Each URL into its host's batch, in chunks ({@link BatchChunks}) per bundle. */
  static final class DealFn extends DoFn<UrlEntry, KV<Integer, List<UrlEntry>>> {
    private final PCollectionView<List<String>> heavy;
    private final PCollectionView<Long> urls;
    private transient HostDeal deal;
    private transient BatchChunks<UrlEntry> chunks;

    /** The most elements held in unsent chunks. */
    static final int HELD = 16_384;

    DealFn(PCollectionView<List<String>> heavy, PCollectionView<Long> urls) {
      this.heavy = heavy;
      this.urls = urls;
    }

    @StartBundle
    public void start() {
      chunks = new BatchChunks<>(HELD);
    }

    @ProcessElement
    public void process(ProcessContext context) {
      if (deal == null) {
        deal = HostDeal.of(context.sideInput(heavy), context.sideInput(urls));
      }
      UrlEntry entry = context.element();
      chunks.add(
          deal.batchOf(entry.dealtBy()), entry, (b, chunk) -> context.output(KV.of(b, chunk)));
    }

    @FinishBundle
    public void finish(FinishBundleContext context) {
      chunks.flush(
          (batch, chunk) ->
              context.output(
                  KV.of(batch, chunk),
                  GlobalWindow.INSTANCE.maxTimestamp(),
                  GlobalWindow.INSTANCE));
    }
  }

  /**
   * A batch's URLs as tasks, one of each host in turn ({@link ReadListsFn#interleave}), hosts and
   * each host's URLs in the order the lists have them. A batch of one host (a host with a batch's
   * worth of URLs has one of its own) streams through unsorted past {@value #SORTED} URLs, so a
   * host of millions of URLs is never held in memory here.
   */
  static final class InterleaveFn extends DoFn<KV<Integer, Iterable<List<UrlEntry>>>, UrlTask> {
    static final int SORTED = 4096;

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<List<UrlEntry>>> batch, OutputReceiver<UrlTask> out) {
      List<UrlEntry> held = new ArrayList<>();
      String onlyHost = null;
      boolean oneHost = true;
      boolean streaming = false;
      for (List<UrlEntry> chunk : batch.getValue()) {
        for (UrlEntry entry : chunk) {
          if (streaming) {
            out.output(entry.task());
            continue;
          }
          held.add(entry);
          oneHost &= onlyHost == null || onlyHost.equals(entry.dealtBy());
          onlyHost = entry.dealtBy();
          if (oneHost && held.size() >= SORTED) {
            emitInterleaved(held, out);
            held.clear();
            streaming = true;
          }
        }
      }
      emitInterleaved(held, out);
    }

    private static void emitInterleaved(List<UrlEntry> entries, OutputReceiver<UrlTask> out) {
      entries.sort(Comparator.comparingLong(UrlEntry::order));
      Map<String, ArrayDeque<UrlTask>> byHost = new LinkedHashMap<>();
      for (UrlEntry entry : entries) {
        byHost.computeIfAbsent(entry.dealtBy(), h -> new ArrayDeque<>()).add(entry.task());
      }
      ReadListsFn.interleave(new ArrayList<>(byHost.values()), out::output);
    }
  }
}
