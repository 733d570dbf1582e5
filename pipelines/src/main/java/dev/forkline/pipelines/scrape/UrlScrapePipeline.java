package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.config.UrlScrapeSettings;
import dev.forkline.pipelines.exec.BatchChunks;
import dev.forkline.pipelines.exec.Stage;
import dev.forkline.pipelines.exec.StageChain;
import dev.forkline.pipelines.run.PipelineDefinition;
import dev.forkline.pipelines.run.ResumeVerdicts;
import dev.forkline.pipelines.run.RunContext;
import dev.forkline.workers.html.ExtractRule;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * The url-scrape pipeline: read the URL lists, normalize and de-duplicate them [inline], fetch each
 * page [fetch: threads, politely per host], parse it and extract fields [parse: processes], and
 * make one row per distinct URL in {@code pages.parquet}.
 */
public final class UrlScrapePipeline implements PipelineDefinition {
  private static final long serialVersionUID = 1L;

  private final Map<String, UrlScrapeSettings.Extract> extract;
  private final boolean warc;

  /** Whether sitemaps give lastmods, which --resume compares with each row's fetched_at. */
  private final boolean lastmods;

  /** The output folder, which the rows' WARC files are in; null when not known (tools). */
  private final String output;

  private transient Schema schema;

  /** Registers this pipeline with the runner ({@code META-INF/services}). */
  public static final class Factory implements dev.forkline.pipelines.run.PipelineFactory {
    @Override
    public dev.forkline.pipelines.config.PipelineType pipeline() {
      return dev.forkline.pipelines.config.PipelineType.URL_SCRAPE;
    }

    @Override
    public dev.forkline.pipelines.run.PipelineDefinition create(
        dev.forkline.pipelines.config.ForklineConfig config) {
      return new UrlScrapePipeline(config.urlScrape(), config.output());
    }
  }

  public UrlScrapePipeline(UrlScrapeSettings settings) {
    this(settings, null);
  }

  /** The pipeline of {@code settings}, writing into {@code output}. */
  public UrlScrapePipeline(UrlScrapeSettings settings, Path output) {
    this.extract = settings.extract();
    this.warc = settings.warc();
    this.lastmods = settings.sitemaps().any();
    this.output = output == null ? null : output.toString();
  }

  /**
   * An ok row stands while the WARC file it refers to is published in the output folder: a killed
   * run's unfinished files never are, so their rows are fetched again. With {@code warc} on, a row
   * must refer to one (its fingerprint says so too).
   */
  @Override
  public boolean stillValid(GenericRecord okRow) {
    Object file = okRow.getSchema().getField("warc_file") == null ? null : okRow.get("warc_file");
    if (file == null) {
      return !warc;
    }
    String name = file.toString();
    return output != null
        && name.startsWith(WarcArchive.FOLDER + "/")
        && name.endsWith(WarcArchive.SUFFIX)
        && name.indexOf('/', WarcArchive.FOLDER.length() + 1) < 0
        && !name.contains("..")
        && java.nio.file.Files.isRegularFile(Path.of(output).resolve(name));
  }

  @Override
  public String tableName() {
    return "pages.parquet";
  }

  @Override
  public Schema schema() {
    if (schema == null) {
      schema = PageSchema.of(extract);
    }
    return schema;
  }

  @Override
  public String keyField() {
    return "url";
  }

  /**
   * A URL is its own input: with sitemaps, what its earlier row records is when it was fetched, for
   * a sitemap's {@code lastmod} to be compared with ({@link Sitemaps#verdict}); else nothing (a
   * large resumed run's side input stays small).
   */
  @Override
  public String identity(GenericRecord okRow) {
    Object fetchedAt = lastmods ? okRow.get("fetched_at") : null;
    return fetchedAt == null ? "" : fetchedAt.toString();
  }

  /**
   * The most batches run at once on the Direct runner, and with a {@code delay}: a polite batch's
   * bundle lasts as long as its slowest host's politeness, so many must run side by side for many
   * hosts to progress at once; with few at once, the batches run in waves. Without a delay a batch
   * lasts as long as its fetches, and more of them at once only hold more part files open.
   */
  static final int MAX_DIRECT_BATCHES = 8;

  static final int MAX_POLITE_DIRECT_BATCHES = 32;

  /**
   * As many threads as the lists make batches with URLs in them (at most {@value
   * #MAX_DIRECT_BATCHES}, or {@value #MAX_POLITE_DIRECT_BATCHES} with a delay): every batch holds
   * whole hosts, and a host slowed by its politeness delay must not hold back the hosts of another
   * batch, while an idle thread would spin a core (see {@link
   * PipelineDefinition#directParallelism}). A list of one host is one batch and one thread. The
   * count is taken from a quick read of the lists (hosts as written, not normalized); a list that
   * cannot be read here gets Beam's default, and the pipeline's own read reports the problem.
   */
  @Override
  public int directParallelism(ForklineConfig config) {
    java.util.Set<String> urls = new java.util.HashSet<>();
    java.util.Map<String, Integer> hosts = new java.util.HashMap<>();
    try {
      for (Path list : config.inputs()) {
        UrlLists.read(
            list,
            entry -> {
              if (entry.problem() != null) {
                urls.add(entry.where());
                hosts.merge("", 1, Integer::sum);
              } else if (urls.add(entry.text())) {
                hosts.merge(roughHost(entry.text()), 1, Integer::sum);
              }
            });
      }
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
    HostDeal deal = HostDeal.of(hosts);
    int most =
        config.urlScrape() == null || config.urlScrape().hostDelay().isZero()
            ? MAX_DIRECT_BATCHES
            : MAX_POLITE_DIRECT_BATCHES;
    java.util.Set<Integer> used = new java.util.HashSet<>();
    for (String host : hosts.keySet()) {
      used.add(deal.batchOf(host));
      if (used.size() >= most) {
        break;
      }
    }
    return Math.max(1, used.size());
  }

  /** The authority of a URL as written, lower-cased: what the batches are dealt by, near enough. */
  static String roughHost(String url) {
    String u = url.trim();
    int scheme = u.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int end = start;
    while (end < u.length() && "/?#".indexOf(u.charAt(end)) < 0) {
      end++;
    }
    return u.substring(start, end).toLowerCase(java.util.Locale.ROOT);
  }

  /** Serves the bundled demo site on 127.0.0.1 for the run, when the config asks for it. */
  @Override
  public AutoCloseable prepare(ForklineConfig config) throws Exception {
    UrlScrapeSettings s = config.urlScrape();
    if (s.demoSite() == null) {
      return () -> {};
    }
    try {
      DemoSite.Handle site = DemoSite.start(s.demoSite(), s.demoSitePort(), s.demoSiteLatency());
      org.slf4j.LoggerFactory.getLogger(UrlScrapePipeline.class)
          .info("demo site {} on http://127.0.0.1:{}/", s.demoSite(), site.port());
      return site;
    } catch (java.io.IOException e) {
      throw new java.io.IOException(
          "cannot serve the demo site on 127.0.0.1:"
              + s.demoSitePort()
              + " ("
              + e.getMessage()
              + "); is another demo site running? Stop it, or set url-scrape.demo-site-port"
              + " and use that port in the URL list",
          e);
    }
  }

  @Override
  public String fingerprint(ForklineConfig config) {
    UrlScrapeSettings s = config.urlScrape();
    if (s.warc()) { // only then: the rows of runs without WARC output keep their fingerprint
      return PipelineDefinition.hash(
          s.extract(),
          s.userAgent(),
          s.maxBodyBytes(),
          s.truncateBody(),
          s.maxRedirects(),
          s.respectRobots(),
          "warc");
    }
    return PipelineDefinition.hash(
        s.extract(),
        s.userAgent(),
        s.maxBodyBytes(),
        s.truncateBody(),
        s.maxRedirects(),
        s.respectRobots());
  }

  @Override
  public PCollection<String> expand(Pipeline pipeline, RunContext context) {
    ForklineConfig config = context.config();
    UrlScrapeSettings settings = config.urlScrape();
    WarcArchive.Target warcTarget = settings.warc() ? warcTarget(config, context) : null;
    ToRow toRow = new ToRow(extract, config.executors(), fingerprint(config), warcTarget);
    Stage<UrlTask> fetch =
        config
            .stage("fetch")
            .running(new ScrapeCalls.Fetch(fetchSettings(settings, config), warcTarget))
            .withPerKeyLimit(new HostKey(), settings.perHost(), settings.hostDelay());
    if (settings.keyByAddress()) {
      fetch = fetch.withKeyResolver(new AddressKey());
    }
    Stage<UrlTask> parse = config.stage("parse").running(new ScrapeCalls.Parse(rules(settings)));
    return tasks(pipeline, config, context.done(), context.verdicts())
        .apply(
            StageChain.of(fetch, parse)
                // Pages fetched with one latency finish together: room for them to wait for parse.
                .withWaitingRoom(config.stage("fetch").concurrency())
                .toTable(
                    warcTarget == null
                        ? context.rows(toRow)
                        : context.rows(toRow, new PublishWarc(warcTarget))));
  }

  /** Where the run's WARC files go: open in the staging folder, published into output/warc/. */
  static WarcArchive.Target warcTarget(ForklineConfig config, RunContext context) {
    UrlScrapeSettings s = config.urlScrape();
    String version = UrlScrapePipeline.class.getPackage().getImplementationVersion();
    Map<String, String> info = new java.util.LinkedHashMap<>();
    info.put("software", "forkline" + (version == null ? "" : "/" + version) + " (jwarc)");
    info.put("format", "WARC File Format 1.1");
    info.put(
        "conformsTo",
        "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/");
    info.put("robots", s.respectRobots() ? "obey" : "ignore");
    info.put("http-header-user-agent", s.userAgent());
    return new WarcArchive.Target(
        context.scratch().resolve(WarcArchive.FOLDER).toString(),
        config.output().toString(),
        context.journal().run(),
        s.warcMaxBytes(),
        info);
  }

  /**
   * At a bundle's end: the WARC files its rows refer to are published before the rows are durable.
   */
  static final class PublishWarc implements RunContext.BundleEnd {
    private static final long serialVersionUID = 1L;
    private final WarcArchive.Target target;

    PublishWarc(WarcArchive.Target target) {
      this.target = target;
    }

    @Override
    public void finish() throws java.io.IOException {
      WarcArchive archive = WarcArchive.existing(target);
      if (archive != null) {
        archive.publishAll();
      }
    }
  }

  /**
   * One task per distinct URL of the config's lists but those {@code done} (when not null) holds an
   * earlier row of that stands (their verdicts go to {@code verdicts}), dealt into batches by host
   * and back: the steps before the stages, shared with {@code FetchStageBench} (the bench module).
   * Listed in one task ({@link ReadListsFn}) or split over the workers ({@link SplitUrlListing}),
   * as the config's {@code listing} says; both make the same tasks.
   */
  static PCollection<UrlTask> tasks(
      Pipeline pipeline,
      ForklineConfig config,
      PCollectionView<Map<String, String>> done,
      ResumeVerdicts verdicts) {
    Sitemaps sitemaps =
        new Sitemaps(
            config.urlScrape().sitemaps(),
            fetchSettings(config.urlScrape(), config),
            config.stage("fetch").timeout());
    if (config.listing().splits(pipeline)) {
      return SplitUrlListing.tasks(
          pipeline, config.inputs(), config.urlScrape().listRangeBytes(), sitemaps, done, verdicts);
    }
    String lists = config.inputs().stream().map(Path::toString).collect(Collectors.joining("\n"));
    PCollection<String> input = pipeline.apply("URL lists", Create.of(lists));
    return BatchChunks.regroup(
        ResumeVerdicts.listing(
            "Read, normalize, dedupe", input, new ReadListsFn(done, sitemaps), done, verdicts),
        UrlTask.class);
  }

  /** The config's fetch settings, the whole fetch bounded by the stage's deadline. */
  static FetchSettings fetchSettings(UrlScrapeSettings s, ForklineConfig config) {
    return FetchSettings.from(s).withMaxFetchTime(config.stage("fetch").timeout());
  }

  static List<ExtractRule> rules(UrlScrapeSettings settings) {
    List<ExtractRule> rules = new ArrayList<>();
    settings
        .extract()
        .forEach((name, e) -> rules.add(new ExtractRule(name, e.css(), e.attr(), e.all())));
    return rules;
  }

  /** The per-host key of the fetch stage's politeness limit: scheme, host and port. */
  static final class HostKey
      implements org.apache.beam.sdk.transforms.SerializableFunction<UrlTask, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String apply(UrlTask task) {
      return task.host == null ? "" : task.host;
    }
  }

  private static final java.util.regex.Pattern ANSWERED =
      java.util.regex.Pattern.compile("answered HTTP (\\d{3})");

  /** The HTTP status of a failed fetch, from the failure the fetcher made of it. */
  static Integer statusOf(UrlTask task) {
    if (task.failure == null || !task.failure.kind().startsWith("http-")) {
      return null;
    }
    java.util.regex.Matcher m = ANSWERED.matcher(String.valueOf(task.failure.message()));
    return m.find() ? Integer.valueOf(m.group(1)) : null;
  }

  /** A finished task's row: for the table and for the run's journal. */
  static final class ToRow
      implements org.apache.beam.sdk.transforms.SerializableFunction<UrlTask, GenericRecord> {
    private static final long serialVersionUID = 1L;
    private final Map<String, UrlScrapeSettings.Extract> extract;
    private final String executors;
    private final String fingerprint;
    private final WarcArchive.Target warc;
    private transient Schema schema;

    ToRow(Map<String, UrlScrapeSettings.Extract> extract, String executors, String fingerprint) {
      this(extract, executors, fingerprint, null);
    }

    ToRow(
        Map<String, UrlScrapeSettings.Extract> extract,
        String executors,
        String fingerprint,
        WarcArchive.Target warc) {
      this.extract = extract;
      this.executors = executors;
      this.fingerprint = fingerprint;
      this.warc = warc;
    }

    @Override
    public GenericRecord apply(UrlTask task) {
      if (schema == null) {
        schema = PageSchema.of(extract);
      }
      GenericRecord row = new GenericData.Record(schema);
      boolean ok = task.failure == null;
      row.put("url", task.key);
      row.put("input", task.input);
      row.put("source", task.source);
      row.put("occurrences", task.occurrences);
      row.put("lastmod", task.lastmod);
      row.put("final_url", task.finalUrl);
      row.put("status", ok ? "ok" : "failed");
      if (!ok) {
        row.put("failure_stage", task.failure.stage());
        row.put("failure_kind", task.failure.kind());
        row.put("failure_message", task.failure.message());
      }
      row.put(
          "http_status", task.httpStatus > 0 ? Integer.valueOf(task.httpStatus) : statusOf(task));
      row.put("content_type", task.contentType);
      row.put("charset", task.charset != null ? task.charset : task.headerCharset);
      row.put("charset_source", task.charsetSource);
      row.put("bytes", task.bytes >= 0 ? task.bytes : null);
      row.put("truncated", task.bytes >= 0 ? task.truncated : null);
      row.put("redirects", task.finalUrl != null ? task.redirects : null);
      row.put("attempts", task.attempts > 0 ? task.attempts : null);
      row.put("fetched_at", task.fetchedAt);
      row.put("fetch_ms", task.fetchMs >= 0 ? task.fetchMs : null);
      Long parse = task.stageMillis.get("parse");
      row.put("parse_ms", ok && parse != null ? parse.doubleValue() : null);
      row.put("title", task.title);
      row.put("description", task.description);
      row.put("canonical", task.canonical);
      row.put("lang", task.lang);
      row.put("links", task.links);
      row.put("link_count", task.links == null ? null : task.links.size());
      row.put("links_truncated", task.links == null ? null : task.linksTruncated);
      row.put("text_length", task.textLength >= 0 ? task.textLength : null);
      row.put("sha256", task.sha256);
      row.put("worker", task.worker);
      row.put("executors", executors);
      row.put(SETTINGS_FIELD, fingerprint);
      row.put("processed_at", Instant.now().toString());
      if (warc != null) {
        WarcArchive archive = WarcArchive.existing(warc);
        WarcArchive.Ref failed = archive == null ? null : archive.take(task.key);
        if (task.warcFile != null) { // a page that failed its parse keeps its fetch's records
          row.put("warc_file", task.warcFile);
          row.put("warc_records", task.warcRecords);
        } else if (failed != null) {
          row.put("warc_file", failed.file());
          row.put("warc_records", new ArrayList<>(failed.responses()));
        }
      }
      if (task.fields != null) {
        for (Map.Entry<String, UrlScrapeSettings.Extract> e : extract.entrySet()) {
          List<String> values = task.fields.get(e.getKey());
          if (values == null) {
            continue;
          }
          row.put(
              e.getKey(), e.getValue().all() ? values : (values.isEmpty() ? null : values.get(0)));
        }
      }
      return row;
    }
  }
}
