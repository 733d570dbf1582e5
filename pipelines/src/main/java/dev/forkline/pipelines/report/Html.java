package dev.forkline.pipelines.report;

import java.util.Locale;

/** Text and numbers as a report writes them: escaped, grouped, with units. */
final class Html {
  private Html() {}

  static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
      }
    }
    return out.toString();
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String percent(double share) {
    if (Double.isNaN(share)) {
      return "–";
    }
    double p = share * 100;
    return String.format(Locale.ROOT, p < 10 && p > 0 ? "%.1f %%" : "%.0f %%", p);
  }

  /** A duration in milliseconds: "0.42 ms", "12.3 ms", "4.56 s", "3 min 12 s". */
  static String millis(double ms) {
    if (Double.isNaN(ms)) {
      return "–";
    }
    if (ms < 10) {
      return String.format(Locale.ROOT, "%.2f ms", ms);
    }
    if (ms < 1000) {
      return String.format(Locale.ROOT, "%.1f ms", ms);
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }
    long s = Math.round(ms / 1000);
    return s < 3600
        ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60)
        : String.format(Locale.ROOT, "%d h %02d min", s / 3600, s / 60 % 60);
  }

  static String bytes(Long n) {
    if (n == null) {
      return "–";
    }
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MB", n / (1024.0 * 1024));
  }

  static String rate(double perSecond) {
    return String.format(Locale.ROOT, perSecond >= 100 ? "%,.0f" : "%.1f", perSecond);
  }

  static String num(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
