package dev.forkline.workers.pool;

import java.time.Duration;

/**
 * A snapshot of one worker of a pool.
 *
 * @param id the pool's id of the worker (0, 1, ... in order of spawning)
 * @param pid its process id (-1 while being spawned)
 * @param state {@code starting}, {@code ready} or {@code retiring}
 * @param inFlight tasks sent to it and not answered
 * @param tasksDone tasks it answered
 * @param startup time from spawn to its hello (null while starting)
 */
public record WorkerInfo(
    int id, long pid, String state, int inFlight, long tasksDone, Duration startup) {}
