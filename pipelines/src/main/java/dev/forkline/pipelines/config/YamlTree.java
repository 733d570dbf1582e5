package dev.forkline.pipelines.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;

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
      throw new ConfigException(
          at(e.getLocation(), source, lineBased), "YAML syntax error: " + syntaxMessage(e));
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
      default -> throw new ConfigException(location, "unsupported YAML value (" + token + ") here");
    }
  }

  private static Location at(JsonLocation location, String source, boolean lineBased) {
    if (!lineBased || location == null || location.getLineNr() < 1) {
      return Location.flag(source);
    }
    return new Location(source, location.getLineNr(), Math.max(1, location.getColumnNr()));
  }

  /** SnakeYAML's messages embed the snippet and position again; keep the first sentence. */
  private static String syntaxMessage(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      return "unreadable YAML";
    }
    String firstLine = message.strip().lines().findFirst().orElse(message).strip();
    StringBuilder out = new StringBuilder(firstLine);
    message
        .lines()
        .map(String::strip)
        .filter(
            l ->
                !l.isEmpty()
                    && !l.equals(firstLine)
                    && !l.startsWith("in ")
                    && !l.startsWith("^")
                    && !l.startsWith("at [Source"))
        .filter(l -> Character.isLetter(l.charAt(0)))
        .findFirst()
        .ifPresent(l -> out.append("; ").append(l));
    return out.toString();
  }
}
