package dev.forkline.pipelines.image;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/** The columns of the image-filter manifest: one row per input file. */
final class ManifestSchema {
  static final Schema SCHEMA =
      SchemaBuilder.record("ImageManifestRow")
          .namespace("dev.forkline.image")
          .doc("One row per input file of an image-filter run.")
          .fields()
          .requiredString("input")
          .optionalString("input_path")
          .optionalLong("input_size")
          .optionalString("input_modified")
          .optionalString("input_sha256")
          .optionalString("output_path")
          .requiredString("status")
          .optionalString("failure_stage")
          .optionalString("failure_kind")
          .optionalString("failure_message")
          .optionalString("format_in")
          .optionalString("format_out")
          .optionalInt("width_in")
          .optionalInt("height_in")
          .optionalInt("width_out")
          .optionalInt("height_out")
          .optionalLong("bytes_in")
          .optionalLong("bytes_out")
          .optionalString("decoder")
          .optionalString("filters")
          .optionalString("exif_make")
          .optionalString("exif_model")
          .optionalString("exif_datetime_original")
          .optionalInt("exif_orientation")
          .optionalDouble("gps_lat")
          .optionalDouble("gps_lon")
          .optionalString("worker")
          .optionalString("executors")
          .optionalString("settings")
          .optionalLong("read_ms")
          .optionalLong("transform_ms")
          .optionalLong("write_ms")
          .optionalDouble("decode_ms")
          .optionalDouble("filter_ms")
          .optionalDouble("encode_ms")
          .optionalString("processed_at")
          .endRecord();

  private ManifestSchema() {}
}
