package dev.forkline.pipelines.cli;

import dev.forkline.serve.ServeCommand;

/** Adds {@code forkline serve} to the CLI when the serve module is on the class path. */
public final class ServeSubcommand implements Subcommand {
  @Override
  public Object command() {
    return new ServeCommand();
  }
}
