package dev.forkline.workers.image.filter;

import dev.forkline.workers.image.Pixels;

/**
 * One image operation of a job's filter chain. Implementations are immutable and thread-safe: one
 * instance is built from the config and shared by every thread of a worker.
 */
public interface Filter {

  /**
   * The filtered image. Returns a new {@link Pixels} (never changes {@code in}); may throw {@link
   * IllegalArgumentException} when the filter cannot apply to this image (e.g. a crop box outside
   * it), which the pipeline records as a failed row.
   */
  Pixels apply(Pixels in);

  /**
   * A canonical one-line text such as {@code resize width=800 method=lanczos3}, for the manifest's
   * "filters applied" column; {@link Filters#parse(String)} reads it back into an equal filter.
   */
  String describe();
}
