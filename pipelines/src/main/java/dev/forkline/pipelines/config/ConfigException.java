package dev.forkline.pipelines.config;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A config that cannot run. Carries every problem found, each with its location, so one {@code
 * forkline validate} shows them all. The CLI prints {@link #getMessage()} and exits 2.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  /** One problem: where it is and what is wrong (and what is accepted). */
  public record Problem(Location location, String message) {
    @Override
    public String toString() {
      return location == null ? message : location + ": " + message;
    }
  }

  private final List<Problem> problems;

  public ConfigException(List<Problem> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(Location location, String message) {
    this(List.of(new Problem(location, message)));
  }

  /** The problems, in file order. */
  public List<Problem> problems() {
    return problems;
  }

  private static String render(List<Problem> problems) {
    List<Problem> sorted =
        problems.stream()
            .sorted(
                Comparator.comparing(
                        (Problem p) -> p.location() == null ? 0 : p.location().isFlag() ? 1 : 0)
                    .thenComparingInt(p -> p.location() == null ? 0 : p.location().line())
                    .thenComparingInt(p -> p.location() == null ? 0 : p.location().column()))
            .collect(Collectors.toList());
    return sorted.stream().map(Problem::toString).collect(Collectors.joining("\n"));
  }
}
