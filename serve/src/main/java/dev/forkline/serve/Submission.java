package dev.forkline.serve;

import dev.forkline.pipelines.config.ConfigException;
import dev.forkline.pipelines.config.ConfigLoader;
import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.config.Location;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A submitted config checked as {@code forkline validate} checks it, and against the folders the
 * service may use: either a config to queue, or every problem with its line, column and key.
 */
final class Submission {
  /** The largest config accepted: configs are a few hundred bytes. */
  static final int MAX_BYTES = 256 * 1024;

  /** One problem, as the API returns it; line and column are null for an override's. */
  record Problem(Integer line, Integer column, String key, String message) {}

  /** What a submission came to: the config, or its problems. */
  record Checked(ForklineConfig config, List<Problem> problems) {
    boolean ok() {
      return problems.isEmpty();
    }
  }

  private Submission() {}

  /**
   * Checks {@code yaml} with its overrides, its relative paths resolved against {@code base}; the
   * file is written to {@code scratch} (which must exist) for the config loader and deleted.
   */
  static Checked check(
      String yaml, List<String> overrides, Path base, List<Path> roots, Path scratch)
      throws IOException {
    if (yaml.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return refused(
          null, "the config is over " + MAX_BYTES / 1024 + " KB; a config is a few keys");
    }
    if (!Files.isDirectory(base)) {
      return refused("base", base + " is not a folder (the folder relative paths resolve against)");
    }
    if (!allowed(base, roots)) {
      return refused("base", outside(base, roots));
    }
    Path file = Files.createTempFile(scratch, "submitted-", ".yaml");
    ForklineConfig config;
    try {
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
      config = ConfigLoader.load(file, overrides, base, base);
    } catch (ConfigException e) {
      List<Problem> problems = new ArrayList<>();
      for (ConfigException.Problem p : e.problems()) {
        problems.add(problem(p, yaml));
      }
      return new Checked(null, problems);
    } finally {
      Files.deleteIfExists(file);
    }
    List<Problem> problems = new ArrayList<>();
    for (Path input : config.inputs()) {
      if (!allowed(input, roots)) {
        problems.add(at(yaml, "input", outside(input, roots)));
      }
    }
    if (!allowed(config.output(), roots)) {
      problems.add(at(yaml, "output", outside(config.output(), roots)));
    }
    if (config.urlScrape() != null
        && config.urlScrape().demoSite() != null
        && !allowed(config.urlScrape().demoSite(), roots)) {
      problems.add(at(yaml, "url-scrape.demo-site", outside(config.urlScrape().demoSite(), roots)));
    }
    return new Checked(problems.isEmpty() ? config : null, problems);
  }

  private static Checked refused(String key, String message) {
    return new Checked(null, List.of(new Problem(null, null, key, message)));
  }

  private static String outside(Path path, List<Path> roots) {
    return path
        + " is outside the folders this service may read and write (--allow-root): "
        + String.join(", ", roots.stream().map(Path::toString).toList());
  }

  /** Whether {@code path}, or the nearest folder above it that exists, is under a root. */
  static boolean allowed(Path path, List<Path> roots) {
    Path real = realPath(path);
    for (Path root : roots) {
      if (real.startsWith(realPath(root))) {
        return true;
      }
    }
    return false;
  }

  /** The real path of {@code path}, through its nearest existing ancestor. */
  static Path realPath(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
    } catch (IOException e) {
      return absolute;
    }
  }

  private static final Pattern KEY_FIRST =
      Pattern.compile("^([a-z][a-z0-9-]*(?:\\.[a-z0-9-]+)*): ");
  private static final Pattern UNKNOWN_KEY =
      Pattern.compile("^unknown key '([^']+)'(?: in ([a-z0-9.-]+))?");

  private static Problem problem(ConfigException.Problem p, String yaml) {
    Location at = p.location();
    String message = p.message();
    String key = null;
    Matcher first = KEY_FIRST.matcher(message);
    Matcher unknown = UNKNOWN_KEY.matcher(message);
    if (first.find()) {
      key = first.group(1);
    } else if (unknown.find()) {
      key = unknown.group(2) == null ? unknown.group(1) : unknown.group(2) + "." + unknown.group(1);
    }
    if (at == null) {
      return new Problem(null, null, key, message);
    }
    if (at.isFlag()) {
      return new Problem(null, null, key == null ? at.source() : key, message);
    }
    return new Problem(at.line(), at.column(), key, message);
  }

  /** A problem of a top-level or dotted key, at the line the key is written on. */
  private static Problem at(String yaml, String key, String message) {
    String last = key.substring(key.lastIndexOf('.') + 1);
    String[] lines = yaml.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String trimmed = line.stripLeading();
      if (trimmed.startsWith(last + ":")) {
        return new Problem(i + 1, line.length() - trimmed.length() + 1, key, message);
      }
    }
    return new Problem(null, null, key, message);
  }
}
