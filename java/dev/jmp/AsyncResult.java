package dev.jmp;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * The result of a call run by a {@link Pool} worker: Python's
 * {@code multiprocessing.pool.AsyncResult}, returned by {@link Pool#applyAsync} and
 * {@link Pool#mapAsync}; also a {@link Future}, and convertible to a
 * {@link CompletableFuture}.
 *
 * <p>{@link #get()} returns the value, or throws what the task threw: a
 * RuntimeException as itself (its stack trace is the worker's; a suppressed
 * {@link ProcessError} shows where {@code get} was called), a checked exception or an
 * Error (an OutOfMemoryError of the worker) wrapped in a ProcessError whose cause it
 * is. A task whose worker died fails with a ProcessError that names the worker's pid
 * and exit code.
 *
 * <p>As a {@link Future}: {@link #get(long, java.util.concurrent.TimeUnit)} follows the
 * JDK's contract (the task's exception as the cause of an ExecutionException, a
 * TimeoutException, an InterruptedException), and {@link #cancel} cancels a call none
 * of whose tasks has been sent to a worker yet; a running task cannot be interrupted
 * (it runs in another process), so cancel then returns false.
 *
 * <p>Callbacks given to {@code applyAsync}/{@code mapAsync} run in this process, on one
 * thread of the pool, before the result becomes ready (as in CPython): when
 * {@code get} returns, the callback has run.
 *
 * @param <R> the type of the result
 */
public interface AsyncResult<R> extends Future<R> {

    /**
     * Waits for the result and returns it, or throws the task's exception: Python's
     * {@code get()}.
     *
     * @return the result
     */
    @Override
    R get();

    /**
     * As {@link #get()}, waiting at most {@code timeout}: Python's {@code get(timeout)}.
     *
     * @param timeout the longest wait
     * @return the result
     * @throws TimeoutError if it is not ready in time
     */
    R get(Duration timeout);

    /**
     * The result as a CompletableFuture, completed on the pool's callback thread;
     * cancelling it cancels the call as {@link #cancel} does (beyond Python).
     *
     * @return the same CompletableFuture each time
     */
    CompletableFuture<R> toCompletableFuture();

    /** Waits until the result is ready. Python's {@code wait()}. */
    void await();

    /**
     * Waits until the result is ready or the timeout passes; check {@link #ready()}.
     * Python's {@code wait(timeout)}.
     *
     * @param timeout the longest wait
     */
    void await(Duration timeout);

    /**
     * Python's {@code ready()}.
     *
     * @return true once the call has completed, successfully or not
     */
    boolean ready();

    /**
     * Python's {@code successful()}.
     *
     * @return true if the call completed without an exception
     * @throws IllegalStateException if it is not ready (Python's ValueError)
     */
    boolean successful();
}
