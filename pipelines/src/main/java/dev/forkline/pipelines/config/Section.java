package dev.forkline.pipelines.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads one mapping of a config with typed getters. Every getter records the key as accepted, so
 * {@link #finish()} can report unknown keys together with the accepted ones and a "did you mean".
 *
 * <p>Getters never throw: a wrong value is recorded as a problem (with the value's location, the
 * key's path, what was wrong and what is accepted) and the default is returned, so one pass finds
 * every problem in a config.
 */
public final class Section {

  /** Shared state of one config read: the problems found and how to resolve paths. */
  public static final class Context {
    private final List<ConfigException.Problem> problems = new ArrayList<>();
    private final Path configDir;
    private final Path workingDir;

    public Context(Path configDir, Path workingDir) {
      this.configDir = configDir;
      this.workingDir = workingDir;
    }

    public void problem(Location location, String message) {
      problems.add(new ConfigException.Problem(location, message));
    }

    public List<ConfigException.Problem> problems() {
      return problems;
    }

    /** Relative paths in the file resolve against its folder; on the command line, the cwd. */
    Path resolve(Location origin, String text) {
      Path base = origin.isFlag() ? workingDir : configDir;
      return base.resolve(Path.of(text)).toAbsolutePath().normalize();
    }
  }

  private final Context context;
  private final String path;
  private final ConfigNode node;
  private final Set<String> accepted = new LinkedHashSet<>();

  private Section(Context context, String path, ConfigNode node) {
    this.context = context;
    this.path = path;
    this.node = node;
  }

  /** The root section of a config document. */
  public static Section root(Context context, ConfigNode node) {
    return new Section(context, "", node);
  }

  /** The dotted path of this section ({@code stages.read}), empty for the root. */
  public String path() {
    return path;
  }

  public Context context() {
    return context;
  }

  /** Where this section starts. */
  public Location location() {
    return node.location();
  }

  /** True if the config wrote this key (with any value, even an empty one). */
  public boolean has(String key) {
    accepted.add(key);
    return node.entries().containsKey(key);
  }

  /** The raw node of a key, if written; records the key as accepted. */
  public Optional<ConfigNode> node(String key) {
    accepted.add(key);
    ConfigNode value = node.entries().get(key);
    return value == null || value.kind() == ConfigNode.Kind.NULL
        ? Optional.empty()
        : Optional.of(value);
  }

  /** The keys this mapping holds, in file order. */
  public Set<String> keys() {
    return node.entries().keySet();
  }

  /** The dotted path of a key in this section. */
  public String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Where a key is written, or this section if it is absent. */
  public Location keyLocation(String key) {
    return node.keyLocation(key);
  }

  /** Records a problem at a key's scalar value, at the key of a mapping or list. */
  public void problem(String key, String message) {
    ConfigNode value = node.entries().get(key);
    Location at =
        value == null ? location() : value.isScalar() ? value.location() : node.keyLocation(key);
    context.problem(at, pathOf(key) + ": " + message);
  }

  /** A required string; records "missing" with {@code hint} when absent or empty. */
  public String requiredString(String key, String hint) {
    Optional<ConfigNode> value = node(key);
    if (value.isEmpty()) {
      missing(key, hint);
      return null;
    }
    return scalarText(key, value.get(), "a string");
  }

  /**
   * Records that a required key is absent (at this section) or empty (at the empty value), with
   * {@code hint} saying what it should be.
   */
  public void missing(String key, String hint) {
    ConfigNode value = node.entries().get(key);
    if (value == null) {
      context.problem(
          location(),
          (path.isEmpty() ? "" : path + ": ") + "missing required key '" + key + "': " + hint);
    } else {
      context.problem(value.location(), pathOf(key) + ": has no value; expected " + hint);
    }
  }

  /** An optional string. */
  public String string(String key, String defaultValue) {
    return node(key).map(v -> scalarText(key, v, "a string")).orElse(defaultValue);
  }

  /** One of {@code accepted} (case-sensitive), with a did-you-mean when it is not. */
  public String choice(String key, String defaultValue, List<String> choices) {
    return node(key).map(v -> choiceOf(key, v, choices, defaultValue)).orElse(defaultValue);
  }

  /** A required choice; records "missing" listing the choices when absent. */
  public String requiredChoice(String key, List<String> choices) {
    Optional<ConfigNode> value = node(key);
    if (value.isEmpty()) {
      missing(key, "one of " + String.join(", ", choices));
      return null;
    }
    return choiceOf(key, value.get(), choices, null);
  }

  private String choiceOf(String key, ConfigNode value, List<String> choices, String fallback) {
    String text = scalarText(key, value, "one of " + String.join(", ", choices));
    if (text == null) {
      return fallback;
    }
    if (choices.contains(text)) {
      return text;
    }
    String hint = Suggest.closest(text, choices);
    context.problem(
        value.location(),
        pathOf(key)
            + ": '"
            + text
            + "' is not accepted"
            + (hint == null ? "." : "; did you mean '" + hint + "'?")
            + " Accepted values: "
            + String.join(", ", choices));
    return fallback;
  }

  /** An integer in [min, max]. */
  public int integer(String key, int defaultValue, int min, int max) {
    return (int) longValue(key, defaultValue, min, max);
  }

  /** A long in [min, max]. */
  public long longValue(String key, long defaultValue, long min, long max) {
    return parsed(
        key,
        defaultValue,
        "a whole number from " + min + " to " + max,
        t -> {
          long v = Long.parseLong(t.strip().replace("_", ""));
          if (v < min || v > max) {
            throw new IllegalArgumentException(
                v + " is out of range; expected a whole number from " + min + " to " + max);
          }
          return v;
        });
  }

  /** {@code true} or {@code false}. */
  public boolean bool(String key, boolean defaultValue) {
    Optional<ConfigNode> value = node(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    if (value.get().kind() == ConfigNode.Kind.BOOLEAN) {
      return Boolean.parseBoolean(value.get().text());
    }
    context.problem(
        value.get().location(),
        pathOf(key) + ": " + value.get().describe() + " is not a boolean; expected true or false");
    return defaultValue;
  }

  /** A duration such as {@code 30s}, at least {@code min}. */
  public Duration duration(String key, Duration defaultValue, Duration min) {
    return parsed(
        key,
        defaultValue,
        "a duration (" + Units.DURATION_FORMS + ")",
        t -> {
          Duration d = Units.parseDuration(t);
          if (d.compareTo(min) < 0) {
            throw new IllegalArgumentException(
                "'" + t + "' is too short; the minimum is " + Units.formatDuration(min));
          }
          return d;
        });
  }

  /** A byte size such as {@code 512m}, in [min, max]. */
  public long size(String key, long defaultValue, long min, long max) {
    return parsed(
        key,
        defaultValue,
        "a size (" + Units.SIZE_FORMS + ")",
        t -> {
          long v = Units.parseSize(t);
          if (v < min || v > max) {
            throw new IllegalArgumentException(
                "'"
                    + t
                    + "' is out of range; expected from "
                    + Units.formatSize(min)
                    + " to "
                    + Units.formatSize(max));
          }
          return v;
        });
  }

  /** A filesystem path, resolved to an absolute one (see {@link Context#resolve}). */
  public Path path(String key) {
    return node(key).map(v -> pathOf(key, v)).orElse(null);
  }

  /** A path or a list of paths; empty when absent. */
  public List<Path> paths(String key) {
    List<Path> out = new ArrayList<>();
    for (ConfigNode item : oneOrMany(node(key))) {
      Path p = pathOf(key, item);
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  /** A string or a list of strings; {@code defaultValue} when absent. */
  public List<String> strings(String key, List<String> defaultValue) {
    Optional<ConfigNode> value = node(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    List<String> out = new ArrayList<>();
    for (ConfigNode item : oneOrMany(value)) {
      String text = scalarText(key, item, "a string or a list of strings");
      if (text != null) {
        out.add(text);
      }
    }
    return out;
  }

  /**
   * The items of a list (or a single value) under {@code key}, for structured lists the caller
   * reads itself (report problems with {@link #problemAt}); {@code null} when the key is absent.
   */
  public List<ConfigNode> list(String key) {
    Optional<ConfigNode> value = node(key);
    return value.isEmpty() ? null : oneOrMany(value);
  }

  /** Records a problem at a value's own location, prefixed with the key's path. */
  public void problemAt(ConfigNode value, String key, String message) {
    context.problem(value.location(), pathOf(key) + ": " + message);
  }

  /** The items of a list value, or the value alone; nothing when absent. */
  private static List<ConfigNode> oneOrMany(Optional<ConfigNode> value) {
    if (value.isEmpty()) {
      return List.of();
    }
    return value.get().kind() == ConfigNode.Kind.LIST ? value.get().items() : List.of(value.get());
  }

  private Path pathOf(String key, ConfigNode value) {
    String text = scalarText(key, value, "a path");
    if (text == null) {
      return null;
    }
    if (text.isBlank()) {
      context.problem(value.location(), pathOf(key) + ": a path cannot be empty");
      return null;
    }
    try {
      return context.resolve(value.location(), text);
    } catch (InvalidPathException e) {
      context.problem(value.location(), pathOf(key) + ": '" + text + "' is not a valid path");
      return null;
    }
  }

  /** A nested mapping; an absent key gives an empty section, a non-mapping a problem. */
  public Section section(String key) {
    ConfigNode value = node(key).orElse(null);
    if (value == null) {
      return new Section(context, pathOf(key), ConfigNode.map(keyLocation(key)));
    }
    if (value.kind() != ConfigNode.Kind.MAP) {
      context.problem(
          value.location(),
          pathOf(key) + ": expected a mapping (key: value lines), found " + value.describe());
      return new Section(context, pathOf(key), ConfigNode.map(value.location()));
    }
    return new Section(context, pathOf(key), value);
  }

  /** Reports every key of this mapping that no getter asked for. Call after reading. */
  public void finish() {
    for (String key : node.entries().keySet()) {
      if (accepted.contains(key)) {
        continue;
      }
      String hint = Suggest.closest(key, accepted);
      String where = path.isEmpty() ? "at the top level" : "in " + path;
      context.problem(
          node.keyLocation(key),
          "unknown key '"
              + key
              + "' "
              + where
              + (hint == null ? "." : "; did you mean '" + hint + "'?")
              + " Accepted keys: "
              + String.join(", ", accepted));
    }
  }

  private <T> T parsed(String key, T defaultValue, String expected, Function<String, T> parse) {
    Optional<ConfigNode> value = node(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    String text = scalarText(key, value.get(), expected);
    if (text == null) {
      return defaultValue;
    }
    try {
      return parse.apply(text);
    } catch (NumberFormatException e) {
      context.problem(
          value.get().location(),
          pathOf(key) + ": " + value.get().describe() + " is not " + expected);
    } catch (IllegalArgumentException e) {
      context.problem(value.get().location(), pathOf(key) + ": " + e.getMessage());
    }
    return defaultValue;
  }

  private String scalarText(String key, ConfigNode value, String expected) {
    if (value.isScalar() && value.kind() != ConfigNode.Kind.NULL) {
      return value.text();
    }
    context.problem(
        value.location(), pathOf(key) + ": expected " + expected + ", found " + value.describe());
    return null;
  }
}
