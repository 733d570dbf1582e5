package dev.forkline.pipelines.config;

import java.io.Serializable;

/**
 * Where a config value came from: a file position, or a {@code --set} flag. Printed the way
 * compilers print positions, so editors and terminals can jump to it.
 *
 * @param source the config file as the user named it, or {@code --set key=value}
 * @param line 1-based line, or 0 when the source has no lines (a {@code --set} flag)
 * @param column 1-based column, or 0
 */
public record Location(String source, int line, int column) implements Serializable {

  /** The location of a value given on the command line with {@code --set}. */
  public static Location flag(String flag) {
    return new Location(flag, 0, 0);
  }

  /** True when the value came from a {@code --set} flag rather than the file. */
  public boolean isFlag() {
    return line == 0;
  }

  @Override
  public String toString() {
    return line == 0 ? source : source + ":" + line + ":" + column;
  }
}
