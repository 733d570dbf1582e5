package dev.forkline.pipelines.cli;

import java.util.Arrays;

/**
 * Configures the one SLF4J binding (slf4j-simple) before anything logs: messages to stderr,
 * forkline at INFO, the libraries' chatter (Beam, Hadoop, Parquet) at WARN, Flink's and Spark's at
 * ERROR; {@code --verbose} shows DEBUG for forkline and INFO for the rest.
 */
public final class Logging {
  private static final String PREFIX = "org.slf4j.simpleLogger.";

  private Logging() {}

  /** True if the arguments ask for verbose output. */
  public static boolean verboseRequested(String[] args) {
    return Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v");
  }

  /** Sets slf4j-simple's properties; must run before the first logger is created. */
  public static void configure(boolean verbose) {
    set("logFile", "System.err");
    set("showThreadName", "false");
    set("showLogName", verbose ? "true" : "false");
    set("showShortLogName", verbose ? "true" : "false");
    set("levelInBrackets", "false");
    set("showDateTime", verbose ? "true" : "false");
    set("dateTimeFormat", "HH:mm:ss.SSS");
    set("defaultLogLevel", verbose ? "info" : "warn");
    set("log.dev.forkline", verbose ? "debug" : "info");
    set("log.org.apache.hadoop", verbose ? "info" : "error");
    set("log.org.apache.parquet", verbose ? "info" : "warn");
    // The cluster runners' engines warn about their own set-up (no Hadoop config, no log file,
    // long operator names) on every run: errors only unless --verbose.
    set("log.org.apache.flink", verbose ? "info" : "error");
    set("log.org.apache.spark", verbose ? "info" : "error");
    set("log.org.sparkproject", verbose ? "info" : "error");
    // Beam's Flink runner warns that a mini-cluster job cannot be detached: it is followed anyway.
    set("log.org.apache.beam.runners.flink", verbose ? "info" : "error");
    // Beam and Avro route some messages through java.util.logging.
    java.util.logging.LogManager.getLogManager().reset();
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    root.setLevel(verbose ? java.util.logging.Level.INFO : java.util.logging.Level.WARNING);
    org.slf4j.bridge.SLF4JBridgeHandler.install();
  }

  private static void set(String key, String value) {
    if (System.getProperty(PREFIX + key) == null) {
      System.setProperty(PREFIX + key, value);
    }
  }
}
