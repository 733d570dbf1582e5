package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.config.UrlScrapeSettings;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/**
 * The columns of the url-scrape table: one row per distinct input URL. The user's extract fields
 * come last, one column each: a string, or a list of strings when the field takes {@code all}
 * matches.
 */
final class PageSchema {
  private PageSchema() {}

  static Schema of(Map<String, UrlScrapeSettings.Extract> extract) {
    SchemaBuilder.FieldAssembler<Schema> f =
        SchemaBuilder.record("PageRow")
            .namespace("dev.forkline.scrape")
            .doc("One row per distinct input URL of a url-scrape run.")
            .fields()
            .requiredString("url")
            .optionalString("input")
            .optionalString("source")
            .optionalInt("occurrences")
            .optionalString("lastmod")
            .optionalString("final_url")
            .requiredString("status")
            .optionalString("failure_stage")
            .optionalString("failure_kind")
            .optionalString("failure_message")
            .optionalInt("http_status")
            .optionalString("content_type")
            .optionalString("charset")
            .optionalString("charset_source")
            .optionalLong("bytes")
            .optionalBoolean("truncated")
            .optionalInt("redirects")
            .optionalInt("attempts")
            .optionalString("fetched_at")
            .optionalDouble("fetch_ms")
            .optionalDouble("parse_ms")
            .optionalString("title")
            .optionalString("description")
            .optionalString("canonical")
            .optionalString("lang");
    f =
        f.name("links")
            .type()
            .optional()
            .array()
            .items()
            .stringType()
            .optionalInt("link_count")
            .optionalBoolean("links_truncated")
            .optionalInt("text_length")
            .optionalString("sha256")
            .optionalString("worker")
            .optionalString("executors")
            .optionalString("settings")
            .optionalString("processed_at")
            .optionalString("warc_file");
    f = f.name("warc_records").type().optional().array().items().stringType();
    for (Map.Entry<String, UrlScrapeSettings.Extract> e : extract.entrySet()) {
      if (e.getValue().all()) {
        f = f.name(e.getKey()).type().optional().array().items().stringType();
      } else {
        f = f.optionalString(e.getKey());
      }
    }
    return f.endRecord();
  }
}
