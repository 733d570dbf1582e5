package dev.forkline.pipelines.cli;

import dev.forkline.pipelines.UsageException;
import dev.forkline.pipelines.table.AvroText;
import dev.forkline.pipelines.table.ParquetTables;
import dev.forkline.pipelines.text.TextTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code forkline inspect FILE}: shows a Parquet result table in the terminal, so users need no
 * other tool to look at their results. Prints a line with the counts (from the footer), then the
 * first rows as an aligned table; reads only as many rows as it shows. The output is the result, so
 * it goes to standard output; file problems propagate as {@link UsageException}s.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Shows a Parquet table written by forkline: a line with its row and column counts, "
          + "then its first rows as an aligned text table (or its schema, with --schema).",
      "Counts come from the file's footer; only the rows shown are read."
    },
    footer = {
      "",
      "Examples:",
      "  forkline inspect out/image-filter/manifest.parquet --schema",
      "  forkline inspect out/image-filter/manifest.parquet --where status=failed \\",
      "      --columns input,failure_kind,failure_message",
      "  forkline inspect out/image-filter/manifest.parquet --where status=failed --limit 0"
    })
public final class InspectCommand implements Callable<Integer> {
  /** Cells longer than this are cut with {@code …} unless {@code --wide}. */
  static final int CELL_WIDTH = 40;

  @Spec private CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The Parquet file to show.")
  private Path file;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "20",
      description = {
        "Show at most N rows (default: ${DEFAULT-VALUE}); 0 prints only the counts "
            + "(with --where: counts the matching rows, reading the whole file)."
      })
  private int limit;

  @Option(
      names = "--schema",
      description = "Print the columns and their types, and the row count, instead of rows.")
  private boolean showSchema;

  @Option(
      names = "--columns",
      split = ",",
      paramLabel = "COLUMN",
      description = "Show only these columns, in this order (comma-separated).")
  private List<String> columns = new ArrayList<>();

  @Option(
      names = "--where",
      paramLabel = "COLUMN=VALUE",
      description = {
        "Show only rows whose COLUMN, as shown, equals VALUE (null shows as empty: "
            + "'--where error=' matches nulls). Repeat to require several."
      })
  private List<String> where = new ArrayList<>();

  @Option(names = "--wide", description = "Do not cut cells longer than " + CELL_WIDTH + ".")
  private boolean wide;

  /** Prints the counts and the rows (or the schema) of FILE; returns {@link ExitCodes#OK}. */
  @Override
  public Integer call() {
    if (limit < 0) {
      throw new UsageException(
          "--limit must be 0 or more (0 prints only the counts), not " + limit);
    }
    ParquetTables.Footer footer = ParquetTables.footer(file);
    List<Schema.Field> shown = selectedColumns(footer.schema());
    List<Condition> conditions = parseWhere(footer.schema());
    PrintWriter out = spec.commandLine().getOut();
    if (showSchema) {
      printSchema(out, footer, shown);
    } else {
      printRows(out, footer, shown, conditions);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private void printSchema(PrintWriter out, ParquetTables.Footer footer, List<Schema.Field> shown) {
    out.println(counts(footer));
    TextTable table = new TextTable(List.of("column", "type"));
    for (Schema.Field field : shown) {
      table.addRow(List.of(field.name(), AvroText.typeName(field.schema())));
    }
    table.print(out);
  }

  private void printRows(
      PrintWriter out,
      ParquetTables.Footer footer,
      List<Schema.Field> shown,
      List<Condition> conditions) {
    List<String> headers = new ArrayList<>();
    for (Schema.Field field : shown) {
      headers.add(field.name());
    }
    TextTable table = new TextTable(headers).maxCellWidth(wide ? 0 : CELL_WIDTH);
    for (int i = 0; i < shown.size(); i++) {
      if (AvroText.isNumeric(shown.get(i).schema())) {
        table.rightAlign(i);
      }
    }
    long matching = 0;
    boolean readAll = true;
    boolean needRows = limit > 0 || !conditions.isEmpty();
    if (needRows && footer.rowCount() > 0) {
      try (ParquetTables.Rows rows = ParquetTables.open(file, columnsToRead(shown, conditions))) {
        while (rows.hasNext()) {
          if (limit > 0 && table.rowCount() == limit) {
            readAll = false;
            break;
          }
          GenericRecord row = rows.next();
          if (matches(row, conditions)) {
            matching++;
            if (limit > 0) {
              table.addRow(cells(row, shown));
            }
          }
        }
      }
    }
    StringBuilder header = new StringBuilder(counts(footer));
    if (conditions.isEmpty()) {
      if (limit > 0) {
        header.append(" (showing ").append(number(table.rowCount())).append(')');
      }
    } else if (readAll) {
      header.append("; ").append(number(matching)).append(" where ").append(describe(conditions));
      if (limit > 0) {
        header.append(" (showing ").append(number(table.rowCount())).append(')');
      }
    } else {
      header
          .append("; showing the first ")
          .append(number(table.rowCount()))
          .append(" where ")
          .append(describe(conditions));
    }
    out.println(header);
    if (table.rowCount() > 0) {
      table.print(out);
    }
  }

  /** {@code FILE: 1,234 rows, 17 columns}. */
  private String counts(ParquetTables.Footer footer) {
    int columnCount = footer.schema().getFields().size();
    return file + ": " + plural(footer.rowCount(), "row") + ", " + plural(columnCount, "column");
  }

  /** The columns to show: all, or those of {@code --columns} in that order. */
  private List<Schema.Field> selectedColumns(Schema schema) {
    if (columns.isEmpty()) {
      return schema.getFields();
    }
    List<Schema.Field> fields = new ArrayList<>();
    for (String name : columns) {
      fields.add(field(schema, name.strip(), "--columns"));
    }
    return fields;
  }

  /**
   * The columns the reader must decode: those shown and those of {@code --where} (only the latter
   * when counting with {@code --limit 0}); an empty list (meaning all) when every column is shown.
   */
  private List<String> columnsToRead(List<Schema.Field> shown, List<Condition> conditions) {
    boolean showing = limit > 0;
    if (showing && columns.isEmpty()) {
      return List.of();
    }
    Set<String> names = new LinkedHashSet<>();
    if (showing) {
      shown.forEach(field -> names.add(field.name()));
    }
    conditions.forEach(condition -> names.add(condition.column()));
    return List.copyOf(names);
  }

  private Schema.Field field(Schema schema, String name, String option) {
    Schema.Field field = schema.getField(name);
    if (field == null) {
      throw new UsageException(
          file
              + ": no column '"
              + name
              + "' (in "
              + option
              + "); the columns are: "
              + ParquetTables.columnNames(schema));
    }
    return field;
  }

  /** The {@code --where} clauses, each checked against the columns of {@code schema}. */
  private List<Condition> parseWhere(Schema schema) {
    List<Condition> conditions = new ArrayList<>();
    for (String clause : where) {
      int eq = clause.indexOf('=');
      if (eq <= 0) {
        throw new UsageException(
            "--where takes COLUMN=VALUE, e.g. --where status=failed; got '" + clause + "'");
      }
      Schema.Field field = field(schema, clause.substring(0, eq).strip(), "--where");
      conditions.add(new Condition(field.name(), field.schema(), clause.substring(eq + 1)));
    }
    return conditions;
  }

  private static boolean matches(GenericRecord row, List<Condition> conditions) {
    for (Condition condition : conditions) {
      Object value = row.get(condition.column());
      if (!AvroText.format(value, condition.schema()).equals(condition.value())) {
        return false;
      }
    }
    return true;
  }

  private static List<String> cells(GenericRecord row, List<Schema.Field> shown) {
    List<String> cells = new ArrayList<>(shown.size());
    for (Schema.Field field : shown) {
      cells.add(AvroText.format(row.get(field.name()), field.schema()));
    }
    return cells;
  }

  private static String describe(List<Condition> conditions) {
    StringJoiner text = new StringJoiner(" and ");
    conditions.forEach(condition -> text.add(condition.column() + "=" + condition.value()));
    return text.toString();
  }

  private static String plural(long count, String noun) {
    return number(count) + " " + noun + (count == 1 ? "" : "s");
  }

  private static String number(long count) {
    return String.format(Locale.ROOT, "%,d", count);
  }

  /** One {@code --where COLUMN=VALUE}, its column checked against the file. */
  private record Condition(String column, Schema schema, String value) {}
}
