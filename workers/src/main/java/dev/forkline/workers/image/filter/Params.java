package dev.forkline.workers.image.filter;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parameters of one filter entry, read with checks: unknown keys, missing or invalid values
 * become {@link IllegalArgumentException}s that name the filter, the parameter and what is
 * accepted.
 */
final class Params {
  private final String filter;
  private final Map<String, String> values;

  Params(String filter, Map<String, String> raw, List<String> accepted) {
    this.filter = filter;
    this.values = new TreeMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      String key = e.getKey();
      if (key == null || !accepted.contains(key)) {
        throw new IllegalArgumentException(
            filter
                + ": unknown parameter '"
                + key
                + "'; accepted: "
                + (accepted.isEmpty() ? "none" : String.join(", ", accepted)));
      }
      String value = e.getValue() == null ? "" : e.getValue().trim();
      if (value.isEmpty()) {
        throw new IllegalArgumentException(filter + ": parameter '" + key + "' has no value");
      }
      values.put(key, value);
    }
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  String string(String key) {
    return values.get(key);
  }

  /** An integer in {@code [min, max]}, or {@code null} when absent. */
  Integer integer(String key, int min, int max) {
    String v = values.get(key);
    if (v == null) {
      return null;
    }
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) {
        return (int) n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(key, v, "an integer from " + min + " to " + max);
  }

  /** A finite number in {@code [min, max]}, or {@code fallback} when absent. */
  Double number(String key, Double fallback, double min, double max) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      double d = Double.parseDouble(v);
      if (Double.isFinite(d) && d >= min && d <= max) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(key, v, "a number from " + format(min) + " to " + format(max));
  }

  /** One of {@code options} (case-insensitive, returned lower case), or {@code fallback}. */
  String choice(String key, String fallback, String... options) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    String lower = v.toLowerCase(Locale.ROOT);
    for (String o : options) {
      if (o.equals(lower)) {
        return o;
      }
    }
    throw invalid(key, v, "one of " + String.join(", ", options));
  }

  boolean bool(String key, boolean fallback) {
    return Boolean.parseBoolean(choice(key, Boolean.toString(fallback), "true", "false"));
  }

  IllegalArgumentException invalid(String key, String value, String expected) {
    return new IllegalArgumentException(
        filter + ": " + key + " must be " + expected + ", not '" + value + "'");
  }

  IllegalArgumentException error(String message) {
    return new IllegalArgumentException(filter + ": " + message);
  }

  /** The shortest exact text of a number: {@code 2}, {@code 0.5}, {@code -1.25}. */
  static String format(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }
}
