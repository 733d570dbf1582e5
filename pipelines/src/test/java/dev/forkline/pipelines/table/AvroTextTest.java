package dev.forkline.pipelines.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

class AvroTextTest {
  private static final Schema TIMESTAMP =
      LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));

  @Test
  void typeNamesNestedTypesCompactly() {
    Schema schema =
        SchemaBuilder.record("Outer")
            .fields()
            .name("inner")
            .type()
            .optional()
            .record("Inner")
            .fields()
            .requiredLong("n")
            .name("xs")
            .type()
            .array()
            .items()
            .nullable()
            .intType()
            .noDefault()
            .endRecord()
            .endRecord();

    assertEquals(
        "record{n: long, xs: list<int?>}?", AvroText.typeName(schema.getField("inner").schema()));
  }

  @Test
  void timestampsShowAsIsoInstantsNotEpochNumbers() {
    Schema nullable = Schema.createUnion(Schema.create(Schema.Type.NULL), TIMESTAMP);

    assertEquals("2024-03-01T12:00:00Z", AvroText.format(1_709_294_400_000L, nullable));
    assertEquals("timestamp-millis?", AvroText.typeName(nullable));
  }

  @Test
  void decimalsAndBytesShowTheirValue() {
    Schema decimal = LogicalTypes.decimal(9, 2).addToSchema(Schema.create(Schema.Type.BYTES));
    ByteBuffer unscaled = ByteBuffer.wrap(new BigDecimal("-12.34").unscaledValue().toByteArray());

    assertEquals("-12.34", AvroText.format(unscaled, decimal));
    assertEquals("0x00ff", AvroText.format(ByteBuffer.wrap(new byte[] {0, -1}), bytes()));
    assertTrue(AvroText.isNumeric(decimal));
  }

  @Test
  void nullIsEmptyAtTopLevelAndNullInsideLists() {
    Schema list =
        Schema.createArray(
            Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)));

    assertEquals("", AvroText.format(null, list));
    assertEquals(
        "[a, null]",
        AvroText.format(new GenericData.Array<>(list, Arrays.asList("a", null)), list));
    assertFalse(AvroText.isNumeric(TIMESTAMP));
  }

  private static Schema bytes() {
    return Schema.create(Schema.Type.BYTES);
  }
}
