package dev.forkline.pipelines.table;

/**
 * A class a crafted table names in its schema's {@code java-class}: loading or building it marks
 * {@link CraftedParquet#CANARY_PROPERTY}. No reader may do either; nothing else refers to it.
 */
public final class CanaryString {
  static {
    System.setProperty(CraftedParquet.CANARY_PROPERTY, "CanaryString loaded");
  }

  public CanaryString(String value) {
    System.setProperty(CraftedParquet.CANARY_PROPERTY, "CanaryString built from " + value);
  }
}
