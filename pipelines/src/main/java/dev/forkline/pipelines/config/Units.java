package dev.forkline.pipelines.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints the human units configs use: durations like {@code 30s}, sizes like {@code
 * 512m}.
 */
public final class Units {
  private static final Pattern DURATION =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);
  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);

  /** What the duration syntax accepts, for error messages. */
  public static final String DURATION_FORMS = "a number with a unit: 500ms, 30s, 5m, 2h, 1d";

  /** What the size syntax accepts, for error messages. */
  public static final String SIZE_FORMS =
      "bytes, or a number with k, m, g or t: 65536, 64k, 512m, 2g";

  private Units() {}

  /** Parses {@code 500ms}, {@code 30s}, {@code 1.5m}, {@code 2h}, {@code 1d}; compound forms no. */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration; expected " + DURATION_FORMS);
    }
    double value = Double.parseDouble(m.group(1));
    double millis =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "ms" -> value;
          case "s" -> value * 1_000;
          case "m" -> value * 60_000;
          case "h" -> value * 3_600_000;
          default -> value * 86_400_000;
        };
    if (millis > Long.MAX_VALUE / 2) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration");
    }
    return Duration.ofMillis(Math.round(millis));
  }

  /**
   * Parses {@code 65536}, {@code 64k}, {@code 512m}, {@code 2g}, {@code 1.5GiB} into bytes (x1024).
   */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size; expected " + SIZE_FORMS);
    }
    double value = Double.parseDouble(m.group(1));
    int shift =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    double bytes = value * (1L << shift);
    if (bytes >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("'" + text + "' is too large a size");
    }
    return (long) bytes;
  }

  /** Prints a duration the way configs write it: {@code 1.5s}, {@code 250ms}, {@code 2m}. */
  public static String formatDuration(Duration duration) {
    long ms = duration.toMillis();
    if (ms < 1_000) {
      return ms + "ms";
    }
    if (ms < 60_000) {
      return trim(ms / 1000.0) + "s";
    }
    if (ms < 3_600_000) {
      return trim(ms / 60_000.0) + "m";
    }
    return trim(ms / 3_600_000.0) + "h";
  }

  /**
   * Prints a byte count with a binary unit: exactly when it is a whole number of a unit ({@code
   * 512m}, {@code 2047m}, {@code 64k}), else rounded to one decimal ({@code 1.5g}).
   */
  public static String formatSize(long bytes) {
    String[] units = {"", "k", "m", "g", "t"};
    if (bytes > 0) {
      int exact = 0;
      while (exact < units.length - 1 && bytes % (1L << (10 * (exact + 1))) == 0) {
        exact++;
      }
      if (exact > 0 || bytes < 1024) {
        return (bytes >> (10 * exact)) + units[exact];
      }
    }
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return trim(value) + units[unit];
  }

  private static String trim(double value) {
    String text = String.format(Locale.ROOT, "%.1f", value);
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }
}
