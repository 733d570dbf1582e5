package dev.forkline.pipelines.table;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Util;

/**
 * Broken and hostile Parquet files, as someone could hand to {@code inspect} or leave in an output
 * folder for {@code --resume}: each case writes its file from a valid one.
 */
public final class CraftedParquet {
  /**
   * Set by {@link CanaryString} and {@link CanaryRecord}: a reader must never load or build them.
   */
  public static final String CANARY_PROPERTY = "forkline.test.canary";

  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private CraftedParquet() {}

  /** A broken file made from a valid one; {@code name} says what is broken. */
  public record Case(String name, Function<byte[], byte[]> craft) {
    /** Writes this case's file at {@code file}, made from the bytes of the valid {@code from}. */
    public Path write(Path from, Path file) {
      try {
        Files.createDirectories(file.getParent());
        return Files.write(file, craft.apply(Files.readAllBytes(from)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Every broken file: each must be refused with a message, never a stack trace. */
  public static List<Case> brokenFiles() {
    return List.of(
        new Case("truncated", bytes -> Arrays.copyOf(bytes, bytes.length * 3 / 5)),
        new Case("footer length beyond the file", bytes -> footerLength(bytes, 0x7fff_fff0)),
        new Case("negative footer length", bytes -> footerLength(bytes, -5)),
        new Case("random bytes between PAR1 magics", bytes -> randomWithMagic(4_096, 1_000)),
        new Case("random footer", CraftedParquet::randomFooter),
        new Case("footer declaring 2^31 schema elements", bytes -> withFooter(listOfMaxSize())),
        new Case("schema nested 20,000 deep", bytes -> withFooter(nestedSchema(20_000))),
        new Case("garbage in the data pages", CraftedParquet::garbagePages));
  }

  /** The valid {@code bytes} with the footer length (the 4 bytes before the end magic) changed. */
  static byte[] footerLength(byte[] bytes, int length) {
    byte[] out = bytes.clone();
    ByteBuffer.wrap(out, out.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(length);
    return out;
  }

  /** {@code size} random bytes, PAR1 at both ends, a footer length that fits in the file. */
  static byte[] randomWithMagic(int size, int footerLength) {
    byte[] out = new byte[size];
    new Random(18).nextBytes(out);
    System.arraycopy(MAGIC, 0, out, 0, 4);
    System.arraycopy(MAGIC, 0, out, size - 4, 4);
    ByteBuffer.wrap(out, size - 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(footerLength);
    return out;
  }

  /** The valid {@code bytes} with every byte of the footer's metadata replaced by random ones. */
  static byte[] randomFooter(byte[] bytes) {
    byte[] out = bytes.clone();
    int length = footerLength(bytes);
    byte[] noise = new byte[length];
    new Random(18).nextBytes(noise);
    System.arraycopy(noise, 0, out, out.length - 8 - length, length);
    return out;
  }

  /** The valid {@code bytes} with their data pages (all between the magic and the footer) 0xff. */
  static byte[] garbagePages(byte[] bytes) {
    byte[] out = bytes.clone();
    Arrays.fill(out, 4, out.length - 8 - footerLength(bytes), (byte) 0xff);
    return out;
  }

  /**
   * A footer whose schema list declares 2^31 - 1 elements in 8 bytes: Thrift sizes the list before
   * reading an element (compact protocol: field 2 a list of structs, its size as a varint).
   */
  static byte[] listOfMaxSize() {
    return new byte[] {0x29, (byte) 0xfc, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 7, 0};
  }

  /** A footer whose schema nests {@code depth} groups, each the only child of the one above. */
  static byte[] nestedSchema(int depth) {
    List<SchemaElement> schema = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      SchemaElement group = new SchemaElement("g" + i);
      group.setNum_children(1);
      if (i > 0) {
        group.setRepetition_type(FieldRepetitionType.OPTIONAL);
      }
      schema.add(group);
    }
    SchemaElement leaf = new SchemaElement("leaf");
    leaf.setType(Type.INT32);
    leaf.setRepetition_type(FieldRepetitionType.OPTIONAL);
    schema.add(leaf);
    ByteArrayOutputStream footer = new ByteArrayOutputStream();
    try {
      Util.writeFileMetaData(new FileMetaData(1, schema, 0, new ArrayList<>()), footer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return footer.toByteArray();
  }

  /** A file of no rows: PAR1, then {@code footer} as the metadata, its length and PAR1. */
  static byte[] withFooter(byte[] footer) {
    ByteBuffer out = ByteBuffer.allocate(footer.length + 12).order(ByteOrder.LITTLE_ENDIAN);
    return out.put(MAGIC).put(footer).putInt(footer.length).put(MAGIC).array();
  }

  private static int footerLength(byte[] bytes) {
    return ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  /**
   * {@code schema} with {@code "java-class": CanaryString} on the string field {@code field}: with
   * a specific data model, parquet-avro before 1.15.1 built one of those per value
   * (CVE-2025-30065).
   */
  public static Schema withJavaClass(Schema schema, String field) {
    ObjectNode json = parse(schema);
    for (var node : json.withArray("fields")) {
      if (node.get("name").asText().equals(field)) {
        ObjectNode type = MAPPER.createObjectNode();
        type.put("type", "string");
        type.put("java-class", CraftedParquet.class.getPackageName() + ".CanaryString");
        ((ObjectNode) node).set("type", type);
      }
    }
    return new Schema.Parser().parse(json.toString());
  }

  /**
   * {@code schema} renamed to {@code CanaryRecord}: a specific data model loads the class a record
   * is named after, and builds it for every row.
   */
  public static Schema namedAfterCanary(Schema schema) {
    ObjectNode json = parse(schema);
    json.put("name", "CanaryRecord");
    json.put("namespace", CraftedParquet.class.getPackageName());
    return new Schema.Parser().parse(json.toString());
  }

  /** {@code rows} as records of {@code schema}, field by field. */
  public static List<GenericRecord> as(Schema schema, List<GenericRecord> rows) {
    List<GenericRecord> out = new ArrayList<>();
    for (GenericRecord row : rows) {
      GenericData.Record copy = new GenericData.Record(schema);
      for (Schema.Field field : schema.getFields()) {
        copy.put(field.name(), row.get(field.name()));
      }
      out.add(copy);
    }
    return out;
  }

  private static ObjectNode parse(Schema schema) {
    try {
      return (ObjectNode) MAPPER.readTree(schema.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
