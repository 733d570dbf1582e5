package dev.forkline.pipelines.image;

import dev.forkline.pipelines.exec.Failure;
import dev.forkline.pipelines.exec.Tracked;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One input file on its way through the image-filter stages: its paths, its bytes while they are
 * needed, what each stage learned, and its failure if any. Becomes exactly one manifest row.
 */
final class ImageTask implements Tracked<ImageTask> {
  private static final long serialVersionUID = 1L;

  /** Path relative to the input folder, with '/' separators: the row's key. */
  String relativePath;

  String inputPath;

  /** The input's size and modification time when it was read, and its SHA-256 if asked for. */
  long inputSize = -1;

  String inputModified;
  String inputSha256;
  long bytesIn = -1;
  byte[] data;
  String formatIn;
  int widthIn;
  int heightIn;
  String formatOut;
  int widthOut;
  int heightOut;
  String outputPath;
  long bytesOut = -1;

  /** The output path relative to the output folder, from the name template; set when listed. */
  String outputRelative;

  /** The format the output is encoded in (png, jpeg, bmp, tiff, gif); set when listed. */
  String targetFormat;

  String decoder;
  String filters;
  String exifMake;
  String exifModel;
  String exifDateTime;
  Integer exifOrientation;
  Double gpsLat;
  Double gpsLon;

  /** Where the transform ran: a worker JVM's pid, or this JVM's. */
  String worker;

  double decodeMs = -1;
  double filterMs = -1;
  double encodeMs = -1;
  Map<String, Long> stageMillis = new LinkedHashMap<>();
  Failure failure;

  ImageTask() {}

  ImageTask(String relativePath, String inputPath) {
    this.relativePath = relativePath;
    this.inputPath = inputPath;
  }

  @Override
  public ImageTask copy() {
    ImageTask c = new ImageTask(relativePath, inputPath);
    c.inputSize = inputSize;
    c.inputModified = inputModified;
    c.inputSha256 = inputSha256;
    c.bytesIn = bytesIn;
    c.data = data;
    c.formatIn = formatIn;
    c.widthIn = widthIn;
    c.heightIn = heightIn;
    c.formatOut = formatOut;
    c.widthOut = widthOut;
    c.heightOut = heightOut;
    c.outputPath = outputPath;
    c.bytesOut = bytesOut;
    c.outputRelative = outputRelative;
    c.targetFormat = targetFormat;
    c.decoder = decoder;
    c.filters = filters;
    c.exifMake = exifMake;
    c.exifModel = exifModel;
    c.exifDateTime = exifDateTime;
    c.exifOrientation = exifOrientation;
    c.gpsLat = gpsLat;
    c.gpsLon = gpsLon;
    c.worker = worker;
    c.decodeMs = decodeMs;
    c.filterMs = filterMs;
    c.encodeMs = encodeMs;
    c.stageMillis = new LinkedHashMap<>(stageMillis);
    c.failure = failure;
    return c;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ImageTask t)) {
      return false;
    }
    return bytesIn == t.bytesIn
        && inputSize == t.inputSize
        && Objects.equals(inputModified, t.inputModified)
        && Objects.equals(inputSha256, t.inputSha256)
        && widthIn == t.widthIn
        && heightIn == t.heightIn
        && widthOut == t.widthOut
        && heightOut == t.heightOut
        && bytesOut == t.bytesOut
        && Objects.equals(relativePath, t.relativePath)
        && Objects.equals(inputPath, t.inputPath)
        && Arrays.equals(data, t.data)
        && Objects.equals(formatIn, t.formatIn)
        && Objects.equals(formatOut, t.formatOut)
        && Objects.equals(outputPath, t.outputPath)
        && Objects.equals(outputRelative, t.outputRelative)
        && Objects.equals(targetFormat, t.targetFormat)
        && Objects.equals(decoder, t.decoder)
        && Objects.equals(filters, t.filters)
        && Objects.equals(exifMake, t.exifMake)
        && Objects.equals(exifModel, t.exifModel)
        && Objects.equals(exifDateTime, t.exifDateTime)
        && Objects.equals(exifOrientation, t.exifOrientation)
        && Objects.equals(gpsLat, t.gpsLat)
        && Objects.equals(gpsLon, t.gpsLon)
        && Objects.equals(worker, t.worker)
        && decodeMs == t.decodeMs
        && filterMs == t.filterMs
        && encodeMs == t.encodeMs
        && Objects.equals(stageMillis, t.stageMillis)
        && Objects.equals(failure, t.failure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(relativePath, inputPath, bytesIn, failure);
  }

  @Override
  public Failure failure() {
    return failure;
  }

  @Override
  public void fail(Failure failure) {
    this.failure = failure;
    this.data = null;
  }

  @Override
  public void addStageMillis(String stage, long millis) {
    stageMillis.merge(stage, millis, Long::sum);
  }
}
