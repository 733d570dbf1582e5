package dev.forkline.pipelines.exec;

import java.io.Serializable;

/**
 * Maps an element's per-key key to the key its limit and delay count by, such as a host to its
 * address, so that hosts on one server share one queue. It may block (a DNS lookup): the executor
 * calls it off the caller's thread, once per key, and keeps the answer for the run.
 */
@FunctionalInterface
public interface KeyResolver extends Serializable {
  /** The key to count by; a failure keeps the key as it was. */
  String resolve(String key) throws Exception;
}
