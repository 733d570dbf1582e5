package dev.forkline.pipelines.scrape;

import java.util.List;

/** Names of the url-scrape table's built-in columns; user extract fields may not reuse them. */
public final class PageColumns {
  /** The built-in columns; an extract field may not take one of these names. */
  public static final List<String> BUILT_IN =
      List.of(
          "url",
          "input",
          "source",
          "occurrences",
          "final_url",
          "status",
          "failure_stage",
          "failure_kind",
          "failure_message",
          "http_status",
          "content_type",
          "charset",
          "charset_source",
          "bytes",
          "truncated",
          "redirects",
          "attempts",
          "fetched_at",
          "fetch_ms",
          "parse_ms",
          "title",
          "description",
          "canonical",
          "lang",
          "links",
          "link_count",
          "links_truncated",
          "text_length",
          "sha256",
          "worker",
          "executors",
          "processed_at");

  private PageColumns() {}
}
