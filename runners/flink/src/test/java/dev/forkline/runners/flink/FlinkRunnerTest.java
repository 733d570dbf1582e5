package dev.forkline.runners.flink;

import dev.forkline.pipelines.run.RunnerParity;

/** The sample configs on the embedded Flink mini-cluster: the same rows as on Direct. */
class FlinkRunnerTest extends RunnerParity {
  @Override
  protected String runner() {
    return "flink";
  }
}
