package dev.forkline.pipelines.image;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A walk of an input folder in name order, each folder's entries sorted, so that every listing (one
 * task or split over workers) meets the files in one order: the order of {@link #ORDER} on their
 * relative paths. Symbolic links are not followed (a link to a folder is reported as a file, so
 * there are no cycles); the folder walked from may itself be a link.
 */
final class FolderWalk {
  /** What a walk finds. */
  interface Visitor {
    /** A file (anything but a folder) at {@code key}, relative to the input folder. */
    void file(String key, Path path, BasicFileAttributes attrs);

    /** A folder (or entry) that cannot be read; {@code key} is "." for the input folder. */
    void failed(String key, Path path, IOException e);
  }

  /**
   * Relative paths in walk order: name by name, a folder's files after the folder's name and before
   * the next name (as a sorted depth-first walk meets them).
   */
  static final Comparator<String> ORDER =
      (a, b) -> {
        String[] x = a.split("/", -1);
        String[] y = b.split("/", -1);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
          int c = x[i].compareTo(y[i]);
          if (c != 0) {
            return c;
          }
        }
        return Integer.compare(x.length, y.length);
      };

  private FolderWalk() {}

  /** Walks the folder {@code folder} (the input folder {@code root} or one inside it). */
  static void walk(Path root, Path folder, Visitor visitor) {
    List<String> names;
    try {
      names = sortedNames(folder);
    } catch (IOException e) {
      visitor.failed(key(root, folder), folder, e);
      return;
    }
    for (String name : names) {
      visit(root, folder.resolve(name), visitor);
    }
  }

  /** One entry: a file reported, a folder walked. */
  static void visit(Path root, Path entry, Visitor visitor) {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      visitor.failed(key(root, entry), entry, e);
      return;
    }
    if (attrs.isDirectory()) {
      walk(root, entry, visitor);
    } else {
      visitor.file(key(root, entry), entry, attrs);
    }
  }

  /**
   * The names of a folder's entries, sorted: held as names, not paths, so a flat folder of millions
   * of files costs a string each while it is walked.
   */
  static List<String> sortedNames(Path folder) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
      for (Path entry : stream) {
        names.add(entry.getFileName().toString());
      }
    }
    names.sort(null);
    return names;
  }

  /** The relative path of {@code path} under {@code root}, "." for the root itself. */
  static String key(Path root, Path path) {
    String key = root.relativize(path).toString();
    return key.isEmpty() ? "." : key;
  }
}
