package dev.forkline.pipelines.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with the position it came from. Jackson's own tree forgets positions, and every
 * config error must name file, line and column, so the loader builds this tree instead.
 *
 * <p>Scalars keep their text and whether YAML typed them as a string (quoted or plain words) or as
 * a number, boolean or null, so {@code threads: "eight"} and {@code threads: 8.5} can get different
 * messages.
 */
public final class ConfigNode {

  /** The shape of a node. */
  public enum Kind {
    MAP("a mapping (key: value lines)"),
    LIST("a list"),
    STRING("a string"),
    NUMBER("a number"),
    BOOLEAN("true or false"),
    NULL("an empty value");

    private final String description;

    Kind(String description) {
      this.description = description;
    }

    /** How an error message names a value of this kind. */
    public String description() {
      return description;
    }
  }

  private final Kind kind;
  private final String text;
  private final Location location;
  private final Map<String, ConfigNode> entries;
  private final Map<String, Location> keyLocations;
  private final List<ConfigNode> items;

  private ConfigNode(Kind kind, String text, Location location) {
    this.kind = kind;
    this.text = text;
    this.location = location;
    this.entries = kind == Kind.MAP ? new LinkedHashMap<>() : Collections.emptyMap();
    this.keyLocations = kind == Kind.MAP ? new LinkedHashMap<>() : Collections.emptyMap();
    this.items = kind == Kind.LIST ? new ArrayList<>() : Collections.emptyList();
  }

  static ConfigNode map(Location location) {
    return new ConfigNode(Kind.MAP, null, location);
  }

  static ConfigNode list(Location location) {
    return new ConfigNode(Kind.LIST, null, location);
  }

  static ConfigNode scalar(Kind kind, String text, Location location) {
    if (kind == Kind.MAP || kind == Kind.LIST) {
      throw new IllegalArgumentException("not a scalar kind: " + kind);
    }
    return new ConfigNode(kind, text, location);
  }

  public Kind kind() {
    return kind;
  }

  /** The scalar's text as written (without quotes); null for maps and lists. */
  public String text() {
    return text;
  }

  /** Where the value starts. */
  public Location location() {
    return location;
  }

  /** True for strings, numbers, booleans and nulls. */
  public boolean isScalar() {
    return kind != Kind.MAP && kind != Kind.LIST;
  }

  /** Entries of a mapping, in file order; empty for other kinds. */
  public Map<String, ConfigNode> entries() {
    return Collections.unmodifiableMap(entries);
  }

  /** Where a key of this mapping is written, or the mapping's own location if it is absent. */
  public Location keyLocation(String key) {
    return keyLocations.getOrDefault(key, location);
  }

  /** Items of a list; empty for other kinds. */
  public List<ConfigNode> items() {
    return Collections.unmodifiableList(items);
  }

  void put(String key, Location keyLocation, ConfigNode value) {
    entries.put(key, value);
    keyLocations.put(key, keyLocation);
  }

  void add(ConfigNode item) {
    items.add(item);
  }

  void set(int index, ConfigNode item) {
    items.set(index, item);
  }

  /** A short, quoted rendering of the value for error messages. */
  public String describe() {
    return switch (kind) {
      case MAP -> "a mapping";
      case LIST -> "a list";
      case NULL -> "an empty value";
      default -> "'" + text + "'";
    };
  }
}
