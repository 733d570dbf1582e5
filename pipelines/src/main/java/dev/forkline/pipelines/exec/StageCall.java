package dev.forkline.pipelines.exec;

/**
 * The per-element work of a stage of a {@link StageChain}: a {@link BlockingCall} from an element
 * to the same element, changed. Each attempt gets its own copy of the element, so a failed attempt
 * leaves nothing behind for the next. Throw {@link StageException} for failures the call knows
 * (their kind goes to the result row) and {@link RetryableException} for those worth another
 * attempt.
 */
public interface StageCall<T extends Tracked<T>> extends BlockingCall<T, T> {}
