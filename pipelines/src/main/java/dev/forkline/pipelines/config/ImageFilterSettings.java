package dev.forkline.pipelines.config;

import dev.forkline.workers.image.MetadataPolicy;
import dev.forkline.workers.image.filter.Filters;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code image-filter:} section: which files of the input folder are images to process, the
 * limits that refuse a file before any pixel is decoded, the filter chain and the output's format
 * and names.
 *
 * @param include glob patterns matched against each file's path relative to the input folder
 * @param maxPixels the largest width x height accepted; larger is a {@code too-large} failure
 * @param maxFileBytes the largest file accepted; larger is a {@code too-large} failure
 * @param autoOrient turn pixels upright by the EXIF orientation before the filters
 * @param filters the filter chain, each in its canonical text form ({@code Filter.describe()})
 * @param format the output format: {@code same} or one of {@link #FORMATS}
 * @param quality JPEG quality, 1 to 100
 * @param nameTemplate the output path relative to the output folder, with placeholders
 * @param metadata what of the input's EXIF the output gets ({@code metadata:}), where its format
 *     allows
 * @param resumeByContent {@code resume-check: content}: {@code --resume} compares the SHA-256 of
 *     each input's bytes besides its path, size and modification time
 * @param shrinkOnLoad decode a JPEG at 1/2, 1/4 or 1/8 of its size in the DCT when the chain begins
 *     with a downscale to that size or smaller ({@code shrink-on-load:}, default true)
 */
public record ImageFilterSettings(
    List<String> include,
    long maxPixels,
    long maxFileBytes,
    boolean autoOrient,
    List<String> filters,
    String format,
    int quality,
    String nameTemplate,
    MetadataPolicy metadata,
    boolean resumeByContent,
    boolean shrinkOnLoad,
    boolean followLinks)
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

  /** Output formats besides {@code same}. */
  public static final List<String> FORMATS = List.of("png", "jpeg", "bmp", "tiff", "gif");

  public static final String DEFAULT_NAME = "{dir}/{stem}.{ext}";

  /** Placeholders of {@code name}. */
  public static final List<String> PLACEHOLDERS = List.of("dir", "stem", "name", "ext", "format");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

  public ImageFilterSettings {
    include = List.copyOf(include);
    filters = List.copyOf(filters);
  }

  /** Settings with defaults: every image type, Pillow's pixel limit, no filters, same format. */
  public static ImageFilterSettings defaults() {
    return new ImageFilterSettings(
        DEFAULT_INCLUDE,
        DEFAULT_MAX_PIXELS,
        DEFAULT_MAX_FILE_BYTES,
        true,
        List.of(),
        "same",
        85,
        DEFAULT_NAME,
        MetadataPolicy.STRIP,
        false,
        true,
        false);
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
    boolean autoOrient = s.bool("auto-orient", true);
    List<String> filters = readFilters(s);
    List<String> formats = new ArrayList<>();
    formats.add("same");
    formats.addAll(FORMATS);
    String format = s.choice("format", "same", formats);
    int quality = s.integer("quality", 85, 1, 100);
    String name = s.string("name", DEFAULT_NAME);
    if (name != null) {
      String problem = nameProblem(name);
      if (problem != null) {
        s.problem("name", problem);
      }
    }
    String metadata = s.choice("metadata", MetadataPolicy.STRIP.label(), MetadataPolicy.labels());
    String resumeCheck =
        s.choice("resume-check", "size-and-time", List.of("size-and-time", "content"));
    boolean shrinkOnLoad = s.bool("shrink-on-load", true);
    boolean followLinks = s.bool("follow-links", false);
    s.finish();
    return new ImageFilterSettings(
        include,
        maxPixels,
        maxFile,
        autoOrient,
        filters,
        format == null ? "same" : format,
        quality,
        name == null ? DEFAULT_NAME : name,
        metadata == null ? MetadataPolicy.STRIP : MetadataPolicy.of(metadata),
        "content".equals(resumeCheck),
        shrinkOnLoad,
        followLinks);
  }

  /**
   * The filter chain: a list whose items are a filter name ({@code - grayscale}) or a mapping of
   * one name to its parameters ({@code - resize: {width: 800}}). Each is checked by building it.
   */
  private static List<String> readFilters(Section s) {
    List<ConfigNode> items = s.list("filters");
    List<String> out = new ArrayList<>();
    if (items == null) {
      return out;
    }
    String accepted = "accepted filters: " + String.join(", ", Filters.names());
    for (ConfigNode item : items) {
      String name;
      Map<String, String> params = new LinkedHashMap<>();
      if (item.isScalar() && item.kind() != ConfigNode.Kind.NULL) {
        name = item.text();
      } else if (item.kind() == ConfigNode.Kind.MAP && item.entries().size() == 1) {
        Map.Entry<String, ConfigNode> entry = item.entries().entrySet().iterator().next();
        name = entry.getKey();
        ConfigNode value = entry.getValue();
        if (value.kind() == ConfigNode.Kind.MAP) {
          if (!readParams(s, name, value, params)) {
            continue;
          }
        } else if (value.kind() != ConfigNode.Kind.NULL) {
          s.problemAt(
              value,
              "filters",
              name
                  + ": expected its parameters as a mapping (e.g. '- resize: {width: 800}'), found "
                  + value.describe());
          continue;
        }
      } else {
        s.problemAt(
            item,
            "filters",
            "each filter is a name ('- grayscale') or a name with parameters"
                + " ('- resize: {width: 800}'), found "
                + item.describe()
                + "; "
                + accepted);
        continue;
      }
      try {
        out.add(Filters.parse(name, params).describe());
      } catch (IllegalArgumentException e) {
        s.problemAt(item, "filters", e.getMessage());
      }
    }
    return out;
  }

  /** A filter's parameters into {@code params}; false (with the problems noted) if any is bad. */
  private static boolean readParams(
      Section s, String name, ConfigNode value, Map<String, String> params) {
    boolean ok = true;
    for (Map.Entry<String, ConfigNode> param : value.entries().entrySet()) {
      ConfigNode v = param.getValue();
      if (v.isScalar() && v.kind() != ConfigNode.Kind.NULL) {
        params.put(param.getKey(), v.text());
      } else if (v.kind() == ConfigNode.Kind.LIST && isMatrix(v)) {
        params.put(param.getKey(), matrix(v));
      } else {
        s.problemAt(
            v,
            "filters",
            name
                + "."
                + param.getKey()
                + ": expected a value such as 800 or lanczos3, found "
                + v.describe());
        ok = false;
      }
    }
    return ok;
  }

  private static boolean isMatrix(ConfigNode list) {
    for (ConfigNode row : list.items()) {
      if (row.kind() == ConfigNode.Kind.LIST) {
        for (ConfigNode cell : row.items()) {
          if (!cell.isScalar()) {
            return false;
          }
        }
      } else if (!row.isScalar()) {
        return false;
      }
    }
    return true;
  }

  /** A YAML matrix {@code [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]} as {@code "0 -1 0; ..."}. */
  private static String matrix(ConfigNode list) {
    List<String> rows = new ArrayList<>();
    List<String> flat = new ArrayList<>();
    for (ConfigNode row : list.items()) {
      if (row.kind() == ConfigNode.Kind.LIST) {
        rows.add(String.join(" ", row.items().stream().map(ConfigNode::text).toList()));
      } else {
        flat.add(row.text());
      }
    }
    if (!flat.isEmpty()) {
      rows.add(String.join(" ", flat));
    }
    return String.join("; ", rows);
  }

  /** What is wrong with a name template, or null. */
  static String nameProblem(String template) {
    Matcher m = PLACEHOLDER.matcher(template);
    boolean hasStem = false;
    while (m.find()) {
      String p = m.group(1);
      if (!PLACEHOLDERS.contains(p)) {
        return "unknown placeholder '{"
            + p
            + "}' in '"
            + template
            + "'; accepted: "
            + String.join(", ", PLACEHOLDERS.stream().map(x -> "{" + x + "}").toList());
      }
      hasStem |= p.equals("stem") || p.equals("name");
    }
    if (!hasStem) {
      return "'"
          + template
          + "' would give every file the same name; include {stem} or {name}"
          + " (default: "
          + DEFAULT_NAME
          + ")";
    }
    String literal = PLACEHOLDER.matcher(template).replaceAll("x");
    if (literal.startsWith("/") || literal.contains("\\") || literal.matches("^[A-Za-z]:.*")) {
      return "'" + template + "' must be a path relative to the output folder";
    }
    for (String segment : literal.split("/")) {
      if (segment.equals("..") || segment.equals(".")) {
        return "'" + template + "' may not contain '.' or '..' segments";
      }
    }
    return null;
  }

  /**
   * The output path, relative to the output folder, of the input at {@code relativePath} ('/'
   * separators) written as {@code format} with file extension {@code ext}.
   */
  public String outputName(String relativePath, String format, String ext) {
    int slash = relativePath.lastIndexOf('/');
    String dir = slash < 0 ? "" : relativePath.substring(0, slash);
    String name = relativePath.substring(slash + 1);
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    Matcher m = PLACEHOLDER.matcher(nameTemplate);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value =
          switch (m.group(1)) {
            case "dir" -> dir;
            case "stem" -> stem;
            case "name" -> name;
            case "ext" -> ext;
            case "format" -> format;
            default -> throw new IllegalStateException("unchecked placeholder " + m.group());
          };
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    String path = out.toString().replaceAll("/{2,}", "/");
    return path.startsWith("/") ? path.substring(1) : path;
  }
}
