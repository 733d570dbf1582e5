package dev.forkline.pipelines.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Parses YAML text into a {@link ConfigNode} tree that remembers where each key and value is.
 * Rejects duplicate keys and non-string keys, which YAML allows and which hide typos.
 */
final class YamlTree {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  private YamlTree() {}

  /**
   * Parses a whole document.
   *
   * @param source how errors name the text: the file path, or the {@code --set} flag
   * @param lineBased false for a {@code --set} value, whose positions are not worth printing
   * @return the root node, or null for an empty document
   */
  static ConfigNode parse(String yaml, String source, boolean lineBased) throws ConfigException {
    try (JsonParser parser = FACTORY.createParser(yaml)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return null;
      }
      ConfigNode root = read(parser, source, lineBased);
      if (parser.nextToken() != null) {
        throw new ConfigException(
            at(parser.currentTokenLocation(), source, lineBased),
            "more than one YAML document; a config is a single document");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw syntaxError(e, source, lineBased);
    } catch (IOException e) {
      throw new ConfigException(Location.flag(source), "cannot read YAML: " + e.getMessage());
    }
  }

  private static ConfigNode read(JsonParser parser, String source, boolean lineBased)
      throws IOException, ConfigException {
    JsonToken token = parser.currentToken();
    Location location = at(parser.currentTokenLocation(), source, lineBased);
    switch (token) {
      case START_OBJECT -> {
        ConfigNode map = ConfigNode.map(location);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          Location keyLocation = at(parser.currentTokenLocation(), source, lineBased);
          if (map.entries().containsKey(key)) {
            throw new ConfigException(
                keyLocation,
                "duplicate key '"
                    + key
                    + "' (first at line "
                    + map.keyLocation(key).line()
                    + "); each key may appear once");
          }
          parser.nextToken();
          map.put(key, keyLocation, read(parser, source, lineBased));
        }
        return map;
      }
      case START_ARRAY -> {
        ConfigNode list = ConfigNode.list(location);
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          list.add(read(parser, source, lineBased));
        }
        return list;
      }
      case VALUE_STRING -> {
        return ConfigNode.scalar(ConfigNode.Kind.STRING, parser.getText(), location);
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return ConfigNode.scalar(ConfigNode.Kind.NUMBER, parser.getText(), location);
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return ConfigNode.scalar(ConfigNode.Kind.BOOLEAN, parser.getText(), location);
      }
      case VALUE_NULL -> {
        return ConfigNode.scalar(ConfigNode.Kind.NULL, null, location);
      }
      default ->
          throw new ConfigException(
              location,
              "a tagged value (such as !!binary) is not accepted here; write a plain value");
    }
  }

  private static Location at(JsonLocation location, String source, boolean lineBased) {
    if (!lineBased || location == null || location.getLineNr() < 1) {
      return Location.flag(source);
    }
    return new Location(source, location.getLineNr(), Math.max(1, location.getColumnNr()));
  }

  /**
   * A YAML syntax error at the position SnakeYAML found the problem, in plain words. Jackson's own
   * position and message point at the start of the construct and repeat the snippet.
   */
  private static ConfigException syntaxError(
      JsonProcessingException e, String source, boolean lineBased) {
    Location location = at(e.getLocation(), source, lineBased);
    String problem = e.getOriginalMessage();
    if (e.getCause() instanceof MarkedYAMLException marked) {
      Mark mark =
          marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
      if (mark != null && lineBased) {
        location = new Location(source, mark.getLine() + 1, mark.getColumn() + 1);
      }
      problem = marked.getProblem() != null ? marked.getProblem() : marked.getContext();
    }
    return new ConfigException(location, "YAML syntax error: " + plain(problem, e));
  }

  /** Known SnakeYAML and Jackson phrasings, said plainly. */
  private static String plain(String problem, JsonProcessingException e) {
    String p = problem == null ? "" : problem.strip();
    String all = String.valueOf(e.getMessage());
    if (p.contains("\\t(TAB)") || p.contains("\t(TAB)")) {
      return "a tab character; YAML indents with spaces only";
    }
    if (all.contains("while scanning a quoted scalar")) {
      return "a quoted string is never closed (a missing \" or ')";
    }
    if (all.contains("Expected a field name")) {
      return "a key must be a plain word, not a list or a mapping";
    }
    if (all.contains("nesting depth")) {
      return "the document is nested too deeply (more than 1000 levels)";
    }
    if (p.startsWith("found undefined alias")) {
      return "an alias (*name) that no anchor (&name) defines; quote values that start with *";
    }
    String line = p.lines().findFirst().orElse("").strip();
    return line.isEmpty() ? "unreadable YAML" : line;
  }
}
