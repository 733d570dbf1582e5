package dev.forkline.pipelines.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.forkline.pipelines.table.CraftedParquet;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** How the columns of an earlier table are told from the pipeline's before {@code --resume}. */
class EarlierTableTest {
  private static final Schema PIPELINE =
      SchemaBuilder.record("Row")
          .namespace("dev.forkline.test")
          .fields()
          .requiredString("input")
          .requiredString("status")
          .optionalLong("bytes")
          .endRecord();

  @Test
  void theSameColumnsUnderAnotherRecordNameMatch() {
    Schema found =
        SchemaBuilder.record("Other")
            .fields()
            .requiredString("input")
            .requiredString("status")
            .optionalLong("bytes")
            .endRecord();

    assertNull(EarlierTable.difference(PIPELINE, found));
  }

  @Test
  void aJavaClassOnAColumnIsNoDifference() {
    assertNull(EarlierTable.difference(PIPELINE, CraftedParquet.withJavaClass(PIPELINE, "input")));
  }

  @Test
  void aColumnOfAnotherTypeIsNamedWithBothTypes() {
    Schema found =
        SchemaBuilder.record("Row")
            .fields()
            .requiredString("input")
            .requiredLong("status")
            .optionalLong("bytes")
            .endRecord();

    assertEquals("column 'status' is long, not string", EarlierTable.difference(PIPELINE, found));
  }

  @Test
  void anExtraColumnIsLeftUnread() {
    Schema found =
        SchemaBuilder.record("Row")
            .fields()
            .requiredString("input")
            .requiredString("status")
            .optionalLong("bytes")
            .optionalString("extra")
            .endRecord();

    assertNull(EarlierTable.difference(PIPELINE, found));
  }

  @Test
  void columnsInAnotherOrderMatch() {
    Schema found =
        SchemaBuilder.record("Row")
            .fields()
            .requiredString("status")
            .requiredString("input")
            .optionalLong("bytes")
            .endRecord();

    assertNull(EarlierTable.difference(PIPELINE, found));
  }

  @Test
  void aMissingOptionalColumnIsNoDifference() {
    Schema found =
        SchemaBuilder.record("Row")
            .fields()
            .requiredString("input")
            .requiredString("status")
            .endRecord();

    assertNull(EarlierTable.difference(PIPELINE, found));
  }

  @Test
  void aMissingRequiredColumnIsNamed() {
    Schema found =
        SchemaBuilder.record("Row")
            .fields()
            .requiredString("input")
            .optionalLong("bytes")
            .endRecord();

    assertEquals("no column 'status'", EarlierTable.difference(PIPELINE, found));
  }
}
