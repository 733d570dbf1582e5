package dev.forkline.workers.image;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What to do with one image.
 *
 * @param maxPixels the largest width x height decoded; larger fails as too-large
 * @param autoOrient turn the pixels upright by the EXIF orientation first
 * @param filters the chain, each filter in its {@code Filter.describe()} form
 * @param format the output format (png, jpeg, bmp, tiff, gif)
 * @param quality JPEG quality, 1 to 100
 * @param metadata what of the input's EXIF the output gets, where its format allows
 * @param shrinkOnLoad decode a JPEG at 1/2, 1/4 or 1/8 of its size when the chain begins with a
 *     downscale that stays at or below that size ({@link ShrinkOnLoad#denominator})
 */
public record TransformRequest(
    long maxPixels,
    boolean autoOrient,
    List<String> filters,
    String format,
    int quality,
    MetadataPolicy metadata,
    boolean shrinkOnLoad) {

  public TransformRequest {
    filters = List.copyOf(filters);
    Objects.requireNonNull(metadata, "metadata");
  }

  /** A request that decodes at full size. */
  public TransformRequest(
      long maxPixels,
      boolean autoOrient,
      List<String> filters,
      String format,
      int quality,
      MetadataPolicy metadata) {
    this(maxPixels, autoOrient, filters, format, quality, metadata, false);
  }

  /** The request's bytes, with the image's. */
  public byte[] encode(byte[] data) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(data.length + 256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(maxPixels);
      out.writeBoolean(autoOrient);
      out.writeInt(filters.size());
      for (String f : filters) {
        out.writeUTF(f);
      }
      out.writeUTF(format);
      out.writeInt(quality);
      out.writeByte(metadata.ordinal());
      out.writeBoolean(shrinkOnLoad);
      out.writeInt(data.length);
      out.write(data);
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  /** Reads a request's fields, as {@link #encode} wrote them, up to the image's length. */
  static TransformRequest readFrom(DataInputStream in) throws IOException {
    long maxPixels = in.readLong();
    boolean autoOrient = in.readBoolean();
    int n = in.readInt();
    List<String> filters = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      filters.add(in.readUTF());
    }
    String format = in.readUTF();
    int quality = in.readInt();
    MetadataPolicy metadata = MetadataPolicy.values()[in.readByte()];
    boolean shrinkOnLoad = in.readBoolean();
    return new TransformRequest(
        maxPixels, autoOrient, filters, format, quality, metadata, shrinkOnLoad);
  }
}
