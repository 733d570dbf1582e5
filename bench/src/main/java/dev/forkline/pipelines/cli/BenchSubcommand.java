package dev.forkline.pipelines.cli;

/** Adds {@code forkline bench} to the CLI when the bench module is on the class path. */
public final class BenchSubcommand implements Subcommand {
  @Override
  public Object command() {
    return new BenchCommand();
  }
}
