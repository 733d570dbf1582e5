package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.exec.Attempt;
import dev.forkline.pipelines.exec.KernelCall;
import dev.forkline.pipelines.exec.RetryableException;
import dev.forkline.pipelines.exec.StageCall;
import dev.forkline.pipelines.exec.StageException;
import dev.forkline.workers.html.ExtractRule;
import dev.forkline.workers.html.HtmlKernel;
import dev.forkline.workers.html.ParsedPage;
import java.util.ArrayList;
import java.util.List;

/** The per-element calls of the url-scrape stages. */
final class ScrapeCalls {
  private ScrapeCalls() {}

  /**
   * Fetches a URL ({@link Fetcher}): robots.txt, redirects, the body under its size cap and the
   * deadline of the attempt. Failures come as {@link StageException}s of the fetch kinds; the
   * retryable ones (429, 5xx, connection errors) are retried by the executor.
   */
  static final class Fetch implements StageCall<UrlTask> {
    private static final long serialVersionUID = 1L;

    /** Failures decided before any request to the URL's host (robots.txt is cached by then). */
    private static final java.util.Set<String> SENT_NOTHING =
        java.util.Set.of(
            FetchKind.ROBOTS_DENIED.label(),
            FetchKind.HOST_UNAVAILABLE.label(),
            FetchKind.ROBOTS_UNAVAILABLE.label(),
            FetchKind.INVALID_URL.label());

    private final Fetcher fetcher;

    /** Where the exchanges are recorded ({@code url-scrape.warc}); null when they are not. */
    private final WarcArchive.Target warc;

    Fetch(FetchSettings settings) {
      this(settings, null);
    }

    Fetch(FetchSettings settings, WarcArchive.Target warc) {
      this.fetcher = new Fetcher(settings);
      this.warc = warc;
    }

    @Override
    public void setup() {
      fetcher.setup();
    }

    @Override
    public UrlTask call(UrlTask task, Attempt attempt) throws Exception {
      task.attempts = attempt.number();
      FetchResult r;
      List<WarcExchange> exchanges = warc == null ? null : new ArrayList<>(2);
      try {
        if (fetcher.settings().respectRobots()) {
          // The host's later requests are spaced by its Crawl-delay; its first runs alone.
          fetcher.crawlDelay(task.url, attempt).ifPresent(attempt::spaceKey);
        }
        r = fetcher.fetch(task.url, attempt, exchanges);
      } catch (StageException e) {
        if (SENT_NOTHING.contains(e.kind()) && !(e instanceof RetryableException)) {
          attempt.sentNothing(); // decided before any request: the host's delay is not charged
        }
        StageException failure = ownFailure(e, attempt);
        WarcArchive.Ref ref = record(exchanges);
        if (ref != null) {
          WarcArchive.of(warc).remember(task.key, ref); // the failed row's, if it is the last
        }
        throw failure;
      }
      WarcArchive.Ref ref = record(exchanges);
      if (ref != null) {
        task.warcFile = ref.file();
        task.warcRecords = new ArrayList<>(ref.responses());
      }
      task.finalUrl = r.finalUrl();
      task.httpStatus = r.status();
      task.contentType = r.contentType();
      task.headerCharset = r.charset();
      task.body = r.body();
      task.bytes = r.bytes();
      task.truncated = r.truncated();
      task.redirects = r.redirects();
      task.fetchedAt = r.fetchedAt().toString();
      task.fetchMs = r.fetchMillis();
      return task;
    }

    /**
     * Writes a fetch's exchanges into the run's WARC files; null when there were none. A file that
     * cannot be written fails the element ({@code io}), or stops the run when the disk is full.
     */
    private WarcArchive.Ref record(List<WarcExchange> exchanges)
        throws StageException, InterruptedException {
      if (exchanges == null || exchanges.isEmpty()) {
        return null;
      }
      try {
        return WarcArchive.of(warc).write(exchanges);
      } catch (dev.forkline.pipelines.files.DiskFullException e) {
        throw new StageException(
            dev.forkline.pipelines.exec.FailureKind.DISK_FULL.label(), e.getMessage());
      } catch (java.io.IOException e) {
        throw new StageException(
            dev.forkline.pipelines.exec.FailureKind.IO,
            "cannot write the exchange into a WARC file: " + e.getMessage());
      }
    }

    /**
     * A URL whose own request failed (connect, timeout) and whose host was given up before its next
     * attempt keeps its own failure: the host's other URLs say {@code host-unavailable}.
     */
    static StageException ownFailure(StageException e, Attempt attempt) {
      StageException previous = attempt.previousFailure();
      boolean givenUp =
          FetchKind.HOST_UNAVAILABLE.is(e.kind())
              || (FetchKind.ROBOTS_UNAVAILABLE.is(e.kind()) && !(e instanceof RetryableException));
      if (!givenUp || previous == null || previous.kind().equals(e.kind())) {
        return e;
      }
      return new StageException(
          previous.kind(),
          previous.getMessage() + "; then the host was given up: " + e.getMessage());
    }

    @Override
    public String classify(Exception e) {
      return fetcher.classify(e);
    }

    @Override
    public void teardown() {
      fetcher.teardown();
      if (warc != null) {
        WarcArchive.close(warc);
      }
    }
  }

  /**
   * Parses a fetched page with the {@code html.parse} kernel: charset, title, description,
   * canonical, language, links, text length, SHA-256, and the user's fields. Runs in a worker JVM
   * with {@code executor: processes}, so a page that hangs or exhausts the parser kills one worker.
   */
  static final class Parse implements KernelCall<UrlTask> {
    private static final long serialVersionUID = 1L;
    private final List<ExtractRule> rules;

    Parse(List<ExtractRule> rules) {
      this.rules = List.copyOf(rules);
    }

    @Override
    public String kernel() {
      return HtmlKernel.NAME;
    }

    @Override
    public byte[] request(UrlTask task) {
      String type = task.contentType;
      if (type != null && task.headerCharset != null && !type.contains("charset")) {
        type = type + "; charset=" + task.headerCharset;
      }
      return HtmlKernel.request(
          type,
          task.finalUrl != null ? task.finalUrl : task.url,
          rules,
          task.body == null ? new byte[0] : task.body);
    }

    @Override
    public UrlTask response(UrlTask task, byte[] reply) throws Exception {
      return response(task, reply, IN_PROCESS);
    }

    @Override
    public UrlTask response(UrlTask task, byte[] reply, String worker) throws Exception {
      HtmlKernel.Reply r = HtmlKernel.Reply.decode(reply);
      if (!r.ok()) {
        throw new StageException(r.failureKind(), r.failureMessage());
      }
      ParsedPage page = r.page();
      task.html = page.html();
      task.charset = page.charset();
      task.charsetSource = page.charsetSource().label();
      task.title = page.title();
      task.description = page.description();
      task.canonical = page.canonicalUrl();
      task.lang = page.language();
      task.links = page.html() ? new ArrayList<>(page.links()) : null;
      task.linksTruncated = page.linksTruncated();
      task.textLength = page.html() ? page.textLength() : -1;
      task.sha256 = page.sha256();
      task.fields = page.html() ? new java.util.LinkedHashMap<>(page.fields()) : null;
      task.body = null;
      task.worker = worker;
      return task;
    }
  }
}
