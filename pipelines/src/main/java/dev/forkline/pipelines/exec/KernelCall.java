package dev.forkline.pipelines.exec;

/** A stage call whose work is a kernel: it can run in a worker process ({@link RemoteCall}). */
public interface KernelCall<T extends Tracked<T>> extends StageCall<T>, RemoteCall<T, T> {}
