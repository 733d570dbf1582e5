package dev.forkline.pipelines.scrape;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/** The header fields of a response, in the order received; names compare without case. */
final class ResponseHeaders {
  private final List<String> names = new ArrayList<>();
  private final List<String> values = new ArrayList<>();

  void add(String name, String value) {
    names.add(name);
    values.add(value);
  }

  /** The first value of {@code name}, stripped. */
  Optional<String> firstValue(String name) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return Optional.of(values.get(i).strip());
      }
    }
    return Optional.empty();
  }

  /** The first value of {@code name} as a number; empty when absent or not a number. */
  OptionalLong firstValueAsLong(String name) {
    Optional<String> v = firstValue(name);
    if (v.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(v.get()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Every value of {@code name}, stripped, in order. */
  List<String> allValues(String name) {
    List<String> all = new ArrayList<>(1);
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        all.add(values.get(i).strip());
      }
    }
    return all;
  }

  /** The comma-separated tokens of every {@code name} field, lower case. */
  List<String> tokens(String name) {
    List<String> tokens = new ArrayList<>(2);
    for (String value : allValues(name)) {
      for (String t : value.split(",")) {
        String token = t.strip().toLowerCase(Locale.ROOT);
        if (!token.isEmpty()) {
          tokens.add(token);
        }
      }
    }
    return tokens;
  }
}
