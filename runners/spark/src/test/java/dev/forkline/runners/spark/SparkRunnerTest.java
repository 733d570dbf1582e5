package dev.forkline.runners.spark;

import dev.forkline.pipelines.run.RunnerParity;

/** The sample configs on Spark local[N] in the test JVM: the same rows as on Direct. */
class SparkRunnerTest extends RunnerParity {
  @Override
  protected String runner() {
    return "spark";
  }
}
