package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.exec.Failure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One distinct URL of a split listing before it becomes a {@link UrlTask}: what the task is made
 * of, where it was first seen ({@code order}: list, then line; see {@link ListRange#order}) and how
 * often. Small, with a coder of its own: a split listing moves every list entry through a shuffle.
 *
 * @param url the normalized URL; null for a line that is no URL or cannot be read
 * @param failure why the entry failed already (an invalid URL or list line); null if it did not
 */
record UrlEntry(
    String key,
    String input,
    String source,
    String url,
    String host,
    Failure failure,
    String lastmod,
    long order,
    int occurrences) {

  static final Coder<UrlEntry> CODER = new EntryCoder();

  /** The entry of a task as {@link ReadListsFn#task} makes it, seen first at {@code order}. */
  static UrlEntry of(UrlTask task, long order) {
    return new UrlEntry(
        task.key,
        task.input,
        task.source,
        task.url,
        task.host,
        task.failure,
        task.lastmod,
        order,
        1);
  }

  /** Two entries of one key as one: the first seen, with both's occurrences and newest lastmod. */
  static UrlEntry merge(UrlEntry a, UrlEntry b) {
    UrlEntry first = a.order <= b.order ? a : b;
    return new UrlEntry(
        first.key,
        first.input,
        first.source,
        first.url,
        first.host,
        first.failure,
        newest(a.lastmod, b.lastmod),
        first.order,
        a.occurrences + b.occurrences);
  }

  /**
   * The newer of two {@code lastmod} instants (ISO-8601, as {@code Instant.toString}); nulls lose.
   */
  static String newest(String a, String b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    return java.time.Instant.parse(a).isAfter(java.time.Instant.parse(b)) ? a : b;
  }

  /** The task this entry becomes. */
  UrlTask task() {
    UrlTask task = new UrlTask(key, input, source);
    task.url = url;
    task.host = host;
    task.occurrences = occurrences;
    task.lastmod = lastmod;
    if (failure != null) {
      task.fail(failure);
    }
    return task;
  }

  /** The host the entry is dealt by ({@link ReadListsFn#hostOf}). */
  String dealtBy() {
    return host == null ? "" : host;
  }

  private static final class EntryCoder extends AtomicCoder<UrlEntry> {
    private static final long serialVersionUID = 1L;
    private static final Coder<String> TEXT = NullableCoder.of(StringUtf8Coder.of());

    @Override
    public void encode(UrlEntry e, OutputStream out) throws IOException {
      TEXT.encode(e.key, out);
      TEXT.encode(e.input, out);
      TEXT.encode(e.source, out);
      TEXT.encode(e.url, out);
      TEXT.encode(e.host, out);
      boolean failed = e.failure != null;
      TEXT.encode(failed ? e.failure.stage() : null, out);
      if (failed) {
        TEXT.encode(e.failure.kind(), out);
        TEXT.encode(e.failure.message(), out);
      }
      TEXT.encode(e.lastmod, out);
      VarLongCoder.of().encode(e.order, out);
      VarIntCoder.of().encode(e.occurrences, out);
    }

    @Override
    public UrlEntry decode(InputStream in) throws IOException {
      String key = TEXT.decode(in);
      String input = TEXT.decode(in);
      String source = TEXT.decode(in);
      String url = TEXT.decode(in);
      String host = TEXT.decode(in);
      String stage = TEXT.decode(in);
      Failure failure = stage == null ? null : new Failure(stage, TEXT.decode(in), TEXT.decode(in));
      String lastmod = TEXT.decode(in);
      long order = VarLongCoder.of().decode(in);
      int occurrences = VarIntCoder.of().decode(in);
      return new UrlEntry(key, input, source, url, host, failure, lastmod, order, occurrences);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
