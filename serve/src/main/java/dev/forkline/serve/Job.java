package dev.forkline.serve;

import java.util.List;

/**
 * A job as the service keeps it: what was submitted and where it got to.
 *
 * @param state {@code queued}, {@code running}, {@code succeeded} (the run finished: exit 0, or 1
 *     with failed rows), {@code failed} (it stopped: exit 2, 3 or a crash), {@code cancelled} or
 *     {@code interrupted} (the service stopped while it ran)
 * @param base the folder the config's relative paths resolve against
 * @param resume whether its next start runs with {@code --resume}
 * @param exitCode the exit code of its last run, or null
 */
public record Job(
    long id,
    String state,
    String pipeline,
    String config,
    List<String> overrides,
    String base,
    String output,
    String createdAt,
    String startedAt,
    String finishedAt,
    Integer exitCode,
    long inputs,
    long rows,
    long ok,
    long failed,
    boolean resume,
    int runs,
    Long pid,
    String message) {

  static final String QUEUED = "queued";
  static final String RUNNING = "running";
  static final String SUCCEEDED = "succeeded";
  static final String FAILED = "failed";
  static final String CANCELLED = "cancelled";
  static final String INTERRUPTED = "interrupted";

  boolean finished() {
    return !state.equals(QUEUED) && !state.equals(RUNNING);
  }
}
