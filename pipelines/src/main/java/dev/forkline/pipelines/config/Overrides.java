package dev.forkline.pipelines.config;

/**
 * Applies one {@code --set key=value} flag to a parsed config tree. The value is YAML, so {@code
 * stages.read.threads=16}, {@code input=[a.txt, b.txt]} and {@code url-scrape.delay=1s} all work;
 * the result is validated exactly like the file, and problems name the flag.
 */
final class Overrides {
  private Overrides() {}

  static void apply(ConfigNode root, String override) throws ConfigException {
    String flag = "--set " + override;
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException(
          Location.flag(flag),
          "expected key=value, e.g. --set stages.read.threads=16 or --set output=out/run2");
    }
    String key = override.substring(0, eq).strip();
    String[] parts = key.split("\\.", -1);
    for (String part : parts) {
      if (part.isEmpty()) {
        throw new ConfigException(
            Location.flag(flag),
            "'" + key + "' is not a key path; use dots between keys, e.g. stages.read.threads");
      }
    }
    ConfigNode value = YamlTree.parse(override.substring(eq + 1), flag, false);
    if (value == null) {
      value = ConfigNode.scalar(ConfigNode.Kind.NULL, null, Location.flag(flag));
    }
    Location at = Location.flag(flag);
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
}
