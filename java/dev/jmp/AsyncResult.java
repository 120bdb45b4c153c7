package dev.jmp;

import java.time.Duration;

/**
 * The result of a call run by a {@link Pool} worker: Python's
 * {@code multiprocessing.pool.AsyncResult}, returned by {@link Pool#applyAsync} and
 * {@link Pool#mapAsync}.
 *
 * <p>{@link #get()} returns the value, or throws what the task threw: an unchecked
 * exception as itself (its stack trace is the worker's; a suppressed
 * {@link ProcessError} shows where {@code get} was called), a checked one wrapped in a
 * ProcessError whose cause it is. A task whose worker died fails with a ProcessError
 * that names the worker's pid and exit code.
 */
public interface AsyncResult<R> {

    /** Waits for the result and returns it, or throws the task's exception. */
    R get();

    /** As {@link #get()}, waiting at most {@code timeout}; then {@link TimeoutError}. */
    R get(Duration timeout);

    /** Waits until the result is ready. */
    void await();

    /** Waits until the result is ready or the timeout passes; check {@link #ready()}. */
    void await(Duration timeout);

    /** True once the call has completed, successfully or not. */
    boolean ready();

    /** True if the call completed without an exception; IllegalStateException if not ready. */
    boolean successful();
}
