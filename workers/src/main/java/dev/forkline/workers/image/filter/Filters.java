package dev.forkline.workers.image.filter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds filters from config entries ({@code name} + parameter map) and from their {@link
 * Filter#describe()} lines, with errors that say what was wrong and what is accepted.
 */
public final class Filters {

  private record Entry(List<String> params, Function<Params, Filter> factory) {}

  private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

  static {
    REGISTRY.put("auto-orient", new Entry(List.of(), p -> AutoOrient.INSTANCE));
    REGISTRY.put("resize", new Entry(Resize.PARAMS, Resize::parse));
    REGISTRY.put("crop", new Entry(Crop.PARAMS, Crop::parse));
    REGISTRY.put("rotate", new Entry(Rotate.PARAMS, Rotate::parse));
    REGISTRY.put("flip", new Entry(Flip.PARAMS, Flip::parse));
    REGISTRY.put("grayscale", new Entry(List.of(), p -> Grayscale.INSTANCE));
    REGISTRY.put("blur", new Entry(Blur.PARAMS, Blur::parse));
    REGISTRY.put("sharpen", new Entry(Sharpen.PARAMS, Sharpen::parse));
    REGISTRY.put("convolve", new Entry(Convolve.PARAMS, Convolve::parse));
    REGISTRY.put("edge-detect", new Entry(List.of(), p -> EdgeDetect.INSTANCE));
    REGISTRY.put(
        "brightness-contrast", new Entry(BrightnessContrast.PARAMS, BrightnessContrast::parse));
    REGISTRY.put("invert", new Entry(List.of(), p -> Invert.INSTANCE));
    REGISTRY.put("threshold", new Entry(Threshold.PARAMS, Threshold::parse));
  }

  private Filters() {}

  /**
   * True when the opaque resize, blur and sharpen run on the native loops ({@code
   * forkline_filters.c}): nothing for the JIT to compile in them, so a short-lived JVM does best
   * with C1 alone and no warm-up of the loops.
   */
  public static boolean nativeLoops() {
    return NativeFilters.LIBRARY.loaded();
  }

  /** The filter names, in a fixed order. */
  public static List<String> names() {
    return List.copyOf(REGISTRY.keySet());
  }

  /** The parameter names {@code name} accepts. */
  public static List<String> params(String name) {
    return entry(name).params();
  }

  /**
   * The filter {@code name} with {@code params} (as written in the config, values as text).
   *
   * @throws IllegalArgumentException for an unknown filter or parameter, or a missing or invalid
   *     value; the message names it and what is accepted
   */
  public static Filter parse(String name, Map<String, String> params) {
    Entry e = entry(name);
    return e.factory().apply(new Params(name, params == null ? Map.of() : params, e.params()));
  }

  /**
   * The filter a {@link Filter#describe()} line stands for: {@code name key=value ...}; a value
   * with spaces may be double-quoted ({@code kernel="0 -1 0; -1 5 -1; 0 -1 0"}).
   *
   * @throws IllegalArgumentException as {@link #parse(String, Map)}, or for a malformed line
   */
  public static Filter parse(String line) {
    List<String> tokens = tokens(line);
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException(
          "empty filter line; accepted filters: " + String.join(", ", REGISTRY.keySet()));
    }
    String name = tokens.get(0);
    Map<String, String> params = new LinkedHashMap<>();
    for (String t : tokens.subList(1, tokens.size())) {
      int eq = t.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            name + ": expected key=value, not '" + t + "' in '" + line + "'");
      }
      String key = t.substring(0, eq);
      if (params.put(key, t.substring(eq + 1)) != null) {
        throw new IllegalArgumentException(name + ": parameter '" + key + "' given twice");
      }
    }
    return parse(name, params);
  }

  private static Entry entry(String name) {
    Entry e = name == null ? null : REGISTRY.get(name);
    if (e == null) {
      throw new IllegalArgumentException(
          "unknown filter '" + name + "'; accepted: " + String.join(", ", REGISTRY.keySet()));
    }
    return e;
  }

  /** Splits on whitespace; double quotes group a value with spaces and are removed. */
  private static List<String> tokens(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if (Character.isWhitespace(c) && !quoted) {
        if (any) {
          out.add(cur.toString());
          cur.setLength(0);
          any = false;
        }
      } else {
        cur.append(c);
        any = true;
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("unclosed quote in filter line '" + line + "'");
    }
    if (any) {
      out.add(cur.toString());
    }
    return out;
  }
}
