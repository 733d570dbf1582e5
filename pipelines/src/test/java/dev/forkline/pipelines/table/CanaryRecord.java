package dev.forkline.pipelines.table;

/**
 * A class a crafted table's record is named after: loading or building it marks {@link
 * CraftedParquet#CANARY_PROPERTY}. No reader may do either; nothing else refers to it.
 */
public final class CanaryRecord {
  static {
    System.setProperty(CraftedParquet.CANARY_PROPERTY, "CanaryRecord loaded");
  }

  public CanaryRecord() {
    System.setProperty(CraftedParquet.CANARY_PROPERTY, "CanaryRecord built");
  }
}
