package dev.forkline.pipelines.config;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean" for misspelt keys and values: the closest accepted word, if close enough. */
public final class Suggest {
  private Suggest() {}

  /** The accepted word closest to {@code given}, or null if none is plausibly meant. */
  public static String closest(String given, Collection<String> accepted) {
    String g = given.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : accepted) {
      int d = distance(g, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    if (best == null) {
      return null;
    }
    int limit = Math.max(1, Math.min(3, best.length() / 3));
    boolean prefix = best.length() >= 3 && (best.startsWith(g) || g.startsWith(best));
    return bestDistance <= limit || (prefix && g.length() >= 3) ? best : null;
  }

  /** Damerau-Levenshtein distance (optimal string alignment): a swap of two letters costs 1. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
