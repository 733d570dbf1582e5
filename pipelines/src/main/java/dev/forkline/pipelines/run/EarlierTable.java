package dev.forkline.pipelines.run;

import dev.forkline.pipelines.UsageException;
import dev.forkline.pipelines.table.AvroText;
import dev.forkline.pipelines.table.ParquetTables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.transforms.DoFn;

/**
 * Checks the table in the output folder before {@code --resume} reads it. Anyone can put a file
 * there, so it must be a readable Parquet file with the columns the pipeline needs; anything else
 * is an {@link OutputFolderException} that names the file, says what is wrong and how to go on.
 */
final class EarlierTable {
  private EarlierTable() {}

  /**
   * Reads the footer of {@code table} (no rows), checks its columns against {@code schema} (see
   * {@link #difference}) and returns its schema.
   */
  static Schema checkFooter(Path table, Schema schema, String pipeline) {
    Schema found;
    try {
      found = ParquetTables.schema(table);
    } catch (UsageException e) {
      throw refused(e.getMessage());
    }
    String difference = difference(schema, found);
    if (difference != null) {
      throw refused(
          table + ": not " + article(pipeline) + " " + pipeline + " table: " + difference);
    }
    return found;
  }

  /**
   * The columns of {@code expected} that {@code found} has, as {@code expected} types them: what to
   * read of a table that {@link #difference} accepted (Parquet refuses to read a column its file
   * does not have).
   */
  static Schema readable(Schema expected, Schema found) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : expected.getFields()) {
      if (found.getField(field.name()) != null) {
        fields.add(new Schema.Field(field, field.schema()));
      }
    }
    return Schema.createRecord(
        expected.getName(), expected.getDoc(), expected.getNamespace(), false, fields);
  }

  /** Makes rows of a {@link #readable} schema rows of the full one, the missing columns empty. */
  static final class FillFn extends DoFn<GenericRecord, GenericRecord> {
    private final String schemaJson;
    private transient Schema schema;

    FillFn(Schema schema) {
      this.schemaJson = schema.toString();
    }

    @ProcessElement
    public void process(@Element GenericRecord row, OutputReceiver<GenericRecord> out) {
      if (schema == null) {
        schema = new Schema.Parser().parse(schemaJson);
      }
      GenericRecord full = new GenericData.Record(schema);
      for (Schema.Field field : row.getSchema().getFields()) {
        full.put(field.name(), row.get(field.pos()));
      }
      out.output(full);
    }
  }

  /**
   * Reads every row of {@code table}: after a failed run, to tell whether the earlier table was
   * what failed it (its footer was fine, but a row group is not).
   */
  static void checkRows(Path table) {
    try {
      ParquetTables.forEach(table, row -> {});
    } catch (UsageException e) {
      throw refused(e.getMessage());
    }
  }

  /**
   * Why rows of {@code found} cannot be read as rows of {@code expected}, or null if they can:
   * every column {@code expected} requires is there, and every column both have is of the same
   * type. A column {@code expected} makes optional may be missing (a table of an earlier version,
   * read with it empty), and columns {@code expected} does not have are left unread (extract rules
   * since changed: their rows have other settings and are redone anyway); order does not matter.
   */
  static String difference(Schema expected, Schema found) {
    if (found.getType() != Schema.Type.RECORD) {
      return "its rows are " + AvroText.typeName(found) + ", not records";
    }
    for (Schema.Field field : expected.getFields()) {
      Schema.Field other = found.getField(field.name());
      if (other == null) {
        if (!nullable(field.schema())) {
          return "no column '" + field.name() + "'";
        }
        continue;
      }
      if (!sameType(field.schema(), other.schema())) {
        return "column '"
            + field.name()
            + "' is "
            + AvroText.typeName(other.schema())
            + ", not "
            + AvroText.typeName(field.schema());
      }
    }
    return null;
  }

  private static boolean nullable(Schema schema) {
    return schema.getType() == Schema.Type.UNION
        && schema.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL);
  }

  /** The same type, whatever docs, defaults and properties (a {@code java-class}) come with it. */
  private static boolean sameType(Schema a, Schema b) {
    return SchemaNormalization.toParsingForm(a).equals(SchemaNormalization.toParsingForm(b));
  }

  private static String article(String word) {
    return "aeiou".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 ? "an" : "a";
  }

  private static OutputFolderException refused(String why) {
    return new OutputFolderException(
        "--resume cannot use the earlier table: "
            + why
            + "; move it out of the output folder to process every input again (a run without"
            + " --resume replaces it)");
  }
}
