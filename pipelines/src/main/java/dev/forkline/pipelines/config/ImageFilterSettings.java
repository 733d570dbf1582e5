package dev.forkline.pipelines.config;

import java.io.Serializable;
import java.util.List;

/**
 * The {@code image-filter:} section: which files of the input folder are images to process and the
 * limits that refuse a file before any pixel is decoded.
 *
 * @param include glob patterns matched against each file's path relative to the input folder
 * @param maxPixels the largest width x height accepted; larger is a {@code too-large} failure
 * @param maxFileBytes the largest file accepted; larger is a {@code too-large} failure
 */
public record ImageFilterSettings(List<String> include, long maxPixels, long maxFileBytes)
    implements Serializable {

  /** Pillow's default decompression-bomb limit: 0.25 x 1024 x 1024 x 1024 / 3 pixels. */
  public static final long DEFAULT_MAX_PIXELS = 89_478_485L;

  public static final long DEFAULT_MAX_FILE_BYTES = 256L << 20;

  /** A file is held in memory as one byte array while it is processed. */
  public static final long MAX_FILE_BYTES = 2047L << 20;

  public static final List<String> DEFAULT_INCLUDE =
      List.of(
          "**.jpg", "**.jpeg", "**.png", "**.gif", "**.bmp", "**.tif", "**.tiff", "**.webp",
          "**.pnm", "**.ppm", "**.pgm", "**.pbm", "**.ico", "**.pcx", "**.psd");

  public ImageFilterSettings {
    include = List.copyOf(include);
  }

  static ImageFilterSettings read(Section s) {
    List<String> include = s.strings("include", DEFAULT_INCLUDE);
    if (include.isEmpty()) {
      s.problem(
          "include",
          "the list is empty, so no file would be processed; give glob patterns"
              + " such as '**.jpg' (or leave the key out for all common image types)");
    }
    for (String pattern : include) {
      try {
        java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      } catch (java.util.regex.PatternSyntaxException e) {
        s.problem(
            "include",
            "'"
                + pattern
                + "' is not a valid glob pattern: "
                + e.getDescription()
                + " at character "
                + (e.getIndex() + 1));
      } catch (IllegalArgumentException e) {
        s.problem("include", "'" + pattern + "' is not a valid glob pattern: " + e.getMessage());
      }
    }
    long maxPixels = s.longValue("max-pixels", DEFAULT_MAX_PIXELS, 1, Long.MAX_VALUE);
    long maxFile = s.size("max-file-size", DEFAULT_MAX_FILE_BYTES, 1, MAX_FILE_BYTES);
    s.finish();
    return new ImageFilterSettings(include, maxPixels, maxFile);
  }
}
