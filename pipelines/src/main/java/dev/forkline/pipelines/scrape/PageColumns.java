package dev.forkline.pipelines.scrape;

import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/** Names of the url-scrape table's built-in columns; user extract fields may not reuse them. */
public final class PageColumns {
  /** The built-in columns: those of the table without extract fields. */
  public static final List<String> BUILT_IN =
      PageSchema.of(Map.of()).getFields().stream().map(Schema.Field::name).toList();

  private PageColumns() {}
}
