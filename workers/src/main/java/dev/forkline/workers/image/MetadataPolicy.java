package dev.forkline.workers.image;

import java.util.Arrays;
import java.util.List;

/**
 * What the transform writes of an input's EXIF into its output ({@code image-filter.metadata}).
 * Only JPEG and PNG outputs carry EXIF; the others get none whatever the policy.
 */
public enum MetadataPolicy {
  /** No metadata at all. */
  STRIP("strip"),
  /** The input's EXIF, edited to describe the output (see {@code ExifBlock#forOutput}). */
  KEEP("keep"),
  /** As {@link #KEEP}, without the GPS directory. */
  KEEP_NO_GPS("keep-no-gps");

  private final String label;

  MetadataPolicy(String label) {
    this.label = label;
  }

  /** The config value. */
  public String label() {
    return label;
  }

  /** True for the policies that write EXIF. */
  public boolean keeps() {
    return this != STRIP;
  }

  /** The config values, in declaration order. */
  public static List<String> labels() {
    return Arrays.stream(values()).map(MetadataPolicy::label).toList();
  }

  /**
   * The policy of a config value.
   *
   * @throws IllegalArgumentException for a value not in {@link #labels()}
   */
  public static MetadataPolicy of(String label) {
    for (MetadataPolicy p : values()) {
      if (p.label.equals(label)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "metadata '" + label + "' is not accepted; accepted: " + String.join(", ", labels()));
  }
}
