package dev.forkline.pipelines.cli;

/**
 * A command another module adds to the CLI, found with {@link java.util.ServiceLoader}: {@code
 * forkline bench} lives in the bench module, out of the pipelines jar.
 */
public interface Subcommand {
  /** A new picocli command object (annotated with {@code @Command}). */
  Object command();
}
