package dev.forkline.pipelines.table;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

/**
 * Short text forms of Avro schemas and values, for people reading a result table in a terminal:
 * {@code string?} for a nullable string, {@code list<string>}, {@code map<string,long>}; values as
 * {@code [a, b]}, {@code {k=v}}, timestamps as ISO-8601 instead of epoch numbers.
 */
public final class AvroText {
  private static final HexFormat HEX = HexFormat.of();

  private AvroText() {}

  /**
   * The type of {@code schema} in a compact form: {@code string}, {@code string?} (a union with
   * null), {@code list<string>}, {@code map<string,long>}, {@code record{a: string, b: long?}},
   * {@code timestamp-millis}, {@code decimal(10,2)}.
   */
  public static String typeName(Schema schema) {
    return typeName(schema, new HashSet<>());
  }

  /**
   * The text form of {@code value}, a value of {@code schema} as read by Avro's generic model:
   * {@code ""} for null, lists as {@code [a, b]}, maps and records as {@code {k=v}}, bytes as hex,
   * timestamps and dates as ISO-8601. Nulls inside lists, maps and records show as {@code null}.
   */
  public static String format(Object value, Schema schema) {
    return value == null ? "" : formatValue(value, schema);
  }

  /** Whether values of {@code schema} (nullable or not) are numbers, best right-aligned. */
  public static boolean isNumeric(Schema schema) {
    Schema type = nonNull(schema);
    LogicalType logical = type.getLogicalType();
    if (logical != null) {
      return logical instanceof LogicalTypes.Decimal;
    }
    return switch (type.getType()) {
      case INT, LONG, FLOAT, DOUBLE -> true;
      default -> false;
    };
  }

  /** {@code schema} without its null branch if it is a union of null and one other type. */
  public static Schema nonNull(Schema schema) {
    if (schema.getType() != Schema.Type.UNION) {
      return schema;
    }
    List<Schema> others = withoutNull(schema);
    return others.size() == 1 ? others.get(0) : schema;
  }

  private static String typeName(Schema schema, Set<String> enclosingRecords) {
    LogicalType logical = schema.getLogicalType();
    if (logical instanceof LogicalTypes.Decimal decimal) {
      return "decimal(" + decimal.getPrecision() + "," + decimal.getScale() + ")";
    }
    if (logical != null) {
      return logical.getName();
    }
    switch (schema.getType()) {
      case UNION:
        List<Schema> others = withoutNull(schema);
        String nullable = others.size() < schema.getTypes().size() ? "?" : "";
        if (others.size() == 1) {
          return typeName(others.get(0), enclosingRecords) + nullable;
        }
        StringJoiner branches = new StringJoiner(",", "union<", ">" + nullable);
        others.forEach(branch -> branches.add(typeName(branch, enclosingRecords)));
        return branches.toString();
      case ARRAY:
        return "list<" + typeName(schema.getElementType(), enclosingRecords) + ">";
      case MAP:
        return "map<string," + typeName(schema.getValueType(), enclosingRecords) + ">";
      case RECORD:
        if (!enclosingRecords.add(schema.getFullName())) {
          return schema.getName(); // a recursive record: name it instead of looping
        }
        StringJoiner fields = new StringJoiner(", ", "record{", "}");
        for (Schema.Field field : schema.getFields()) {
          fields.add(field.name() + ": " + typeName(field.schema(), enclosingRecords));
        }
        enclosingRecords.remove(schema.getFullName());
        return fields.toString();
      case ENUM:
        return "enum{" + String.join(",", schema.getEnumSymbols()) + "}";
      case FIXED:
        return "fixed(" + schema.getFixedSize() + ")";
      default:
        return schema.getType().getName();
    }
  }

  private static List<Schema> withoutNull(Schema union) {
    List<Schema> others = new ArrayList<>();
    for (Schema branch : union.getTypes()) {
      if (branch.getType() != Schema.Type.NULL) {
        others.add(branch);
      }
    }
    return others;
  }

  private static String formatValue(Object value, Schema schema) {
    if (value == null) {
      return "null";
    }
    if (schema.getType() == Schema.Type.UNION) {
      return formatValue(
          value, schema.getTypes().get(GenericData.get().resolveUnion(schema, value)));
    }
    String logical = formatLogical(value, schema);
    if (logical != null) {
      return logical;
    }
    switch (schema.getType()) {
      case ARRAY:
        StringJoiner elements = new StringJoiner(", ", "[", "]");
        for (Object element : (Iterable<?>) value) {
          elements.add(formatValue(element, schema.getElementType()));
        }
        return elements.toString();
      case MAP:
        StringJoiner entries = new StringJoiner(", ", "{", "}");
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
          entries.add(entry.getKey() + "=" + formatValue(entry.getValue(), schema.getValueType()));
        }
        return entries.toString();
      case RECORD:
        GenericRecord record = (GenericRecord) value;
        StringJoiner fields = new StringJoiner(", ", "{", "}");
        for (Schema.Field field : schema.getFields()) {
          fields.add(field.name() + "=" + formatValue(record.get(field.pos()), field.schema()));
        }
        return fields.toString();
      case BYTES:
        return value instanceof ByteBuffer buffer ? hex(bytes(buffer)) : value.toString();
      case FIXED:
        return value instanceof GenericFixed fixed ? hex(fixed.bytes()) : value.toString();
      default:
        return value.toString();
    }
  }

  /** The text of a value with a logical type, or null if it has none (or an unexpected class). */
  private static String formatLogical(Object value, Schema schema) {
    LogicalType logical = schema.getLogicalType();
    if (logical == null) {
      return null;
    }
    if (logical instanceof LogicalTypes.Decimal decimal) {
      byte[] unscaled =
          value instanceof ByteBuffer buffer
              ? bytes(buffer)
              : value instanceof GenericFixed fixed ? fixed.bytes() : null;
      return unscaled == null
          ? null
          : new BigDecimal(new BigInteger(unscaled), decimal.getScale()).toPlainString();
    }
    if (value instanceof Long number) {
      long v = number;
      return switch (logical.getName()) {
        case "timestamp-millis" -> Instant.ofEpochMilli(v).toString();
        case "timestamp-micros" -> Instant.EPOCH.plus(v, ChronoUnit.MICROS).toString();
        case "local-timestamp-millis" -> local(Instant.ofEpochMilli(v));
        case "local-timestamp-micros" -> local(Instant.EPOCH.plus(v, ChronoUnit.MICROS));
        case "time-micros" -> LocalTime.ofNanoOfDay(v * 1_000L).toString();
        default -> null;
      };
    }
    if (value instanceof Integer number) {
      int v = number;
      return switch (logical.getName()) {
        case "date" -> LocalDate.ofEpochDay(v).toString();
        case "time-millis" -> LocalTime.ofNanoOfDay(v * 1_000_000L).toString();
        default -> null;
      };
    }
    return null;
  }

  private static String local(Instant instant) {
    return LocalDateTime.ofInstant(instant, ZoneOffset.UTC).toString();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }

  private static String hex(byte[] bytes) {
    return "0x" + HEX.formatHex(bytes);
  }
}
