package dev.forkline.pipelines.config;

/**
 * Applies one {@code --set key=value} flag to a parsed config tree: {@code stages.read.threads=16},
 * {@code input=[a.txt, b.txt]}, {@code image-filter.include=**.png} (see {@link #value}). The
 * result is validated exactly like the file, and problems name the flag.
 */
final class Overrides {
  private Overrides() {}

  private static final java.util.regex.Pattern NUMBER =
      java.util.regex.Pattern.compile("[-+]?(\\d[\\d_]*)(\\.\\d+)?([eE][-+]?\\d+)?");

  /**
   * The value of a flag. A list or mapping ({@code [a, b]}, {@code {css: h1}}) is YAML (text that
   * only starts like one, {@code {dir}/{stem}.{ext}}, is a string); anything else is one scalar
   * taken literally (so {@code **.png}, {@code %out} or {@code a #1} need no quoting): a number,
   * {@code true}/{@code false}, {@code null} or nothing, or else a string, with one pair of
   * surrounding quotes removed.
   */
  static ConfigNode value(String text, String flag, Location at) throws ConfigException {
    if ((text.startsWith("[") || text.startsWith("{"))
        && closingBracket(text) == text.length() - 1) {
      return YamlTree.parse(text, flag, false);
    }
    if (text.isEmpty() || text.equals("null") || text.equals("~")) {
      return ConfigNode.scalar(ConfigNode.Kind.NULL, null, at);
    }
    if (text.equals("true") || text.equals("false")) {
      return ConfigNode.scalar(ConfigNode.Kind.BOOLEAN, text, at);
    }
    if (NUMBER.matcher(text).matches()) {
      return ConfigNode.scalar(ConfigNode.Kind.NUMBER, text, at);
    }
    if (text.length() >= 2
        && (text.charAt(0) == '"' || text.charAt(0) == '\'')
        && text.charAt(text.length() - 1) == text.charAt(0)) {
      text = text.substring(1, text.length() - 1);
    }
    return ConfigNode.scalar(ConfigNode.Kind.STRING, text, at);
  }

  /**
   * Where the bracket that opens {@code text} closes (nesting counted, quotes skipped), or -1. A
   * value is YAML only when that is its last character: {@code {dir}/{stem}.{ext}} is a string.
   */
  private static int closingBracket(String text) {
    int depth = 0;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[' || c == '{') {
        depth++;
      } else if ((c == ']' || c == '}') && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  static void apply(ConfigNode root, String override) throws ConfigException {
    String flag = "--set " + override;
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException(
          Location.flag(flag),
          "expected key=value, e.g. --set stages.read.threads=16 or --set output=out/run2");
    }
    String key = override.substring(0, eq).strip();
    String[] parts = keyPath(key, flag);
    Location at = Location.flag(flag);
    ConfigNode value = value(override.substring(eq + 1).strip(), flag, at);
    ConfigNode node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      String part = parts[i];
      if (node.kind() == ConfigNode.Kind.MAP) {
        ConfigNode child = node.entries().get(part);
        if (child == null || child.kind() == ConfigNode.Kind.NULL) {
          child = ConfigNode.map(at);
          node.put(part, at, child);
        }
        node = child;
      } else if (node.kind() == ConfigNode.Kind.LIST
          && part.matches("\\d+")
          && Integer.parseInt(part) < node.items().size()) {
        node = node.items().get(Integer.parseInt(part));
      } else {
        throw new ConfigException(
            at,
            "cannot set '"
                + key
                + "': '"
                + String.join(".", java.util.Arrays.copyOfRange(parts, 0, i))
                + "' is "
                + node.describe()
                + ", not a mapping");
      }
    }
    String last = parts[parts.length - 1];
    if (node.kind() == ConfigNode.Kind.MAP) {
      node.put(last, at, value);
    } else if (node.kind() == ConfigNode.Kind.LIST
        && last.matches("\\d+")
        && Integer.parseInt(last) < node.items().size()) {
      node.set(Integer.parseInt(last), value);
    } else {
      throw new ConfigException(
          at, "cannot set '" + key + "': its parent is " + node.describe() + ", not a mapping");
    }
  }

  /** The keys of a dotted path, each non-empty. */
  private static String[] keyPath(String key, String flag) throws ConfigException {
    String[] parts = key.split("\\.", -1);
    for (String part : parts) {
      if (part.isEmpty()) {
        throw new ConfigException(
            Location.flag(flag),
            "'" + key + "' is not a key path; use dots between keys, e.g. stages.read.threads");
      }
    }
    return parts;
  }
}
