package dev.jmp;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * A pool of workers that run serializable calls: the API of Python's
 * {@code multiprocessing.Pool}, shared by {@link Pool} (worker processes on this
 * machine) and {@code ClusterPool} (members of a Hazelcast cluster, in the
 * {@code cluster} module). Code written against {@code TaskPool} runs on either:
 *
 * <pre>{@code
 * static long total(TaskPool pool, List<Integer> xs) {
 *     return pool.map(x -> (long) x * x, xs).stream().mapToLong(Long::longValue).sum();
 * }
 * try (TaskPool pool = new Pool(4)) { total(pool, xs); }
 * }</pre>
 *
 * <p>What every implementation guarantees:
 * <ul>
 * <li>Functions and arguments are serialized in the calling thread: one that cannot be
 *     fails the call with IllegalArgumentException, and nothing of the call runs.</li>
 * <li>A task's exception reaches whoever asks for the result: a RuntimeException as
 *     itself, a checked exception or an Error wrapped in {@link ProcessError}. A
 *     worker lost while running a task fails that task with a ProcessError.</li>
 * <li>{@code map} and {@code imap} give results in input order, {@code imapUnordered}
 *     as they complete; a chunk (chunksize items) is one task.</li>
 * <li>Callbacks run in the calling process, one at a time, on one thread of the pool,
 *     before the result becomes ready.</li>
 * <li>{@link #close()} takes no new tasks and returns once the queued ones are done
 *     (Python's {@code close(); join()}); {@link #terminate()} stops at once and fails
 *     what is unfinished; after either, calls throw IllegalStateException.</li>
 * </ul>
 *
 * <p>Only {@link #applyAsync(Call, Consumer, Consumer)}, {@link #mapAsync(Func, Iterable)},
 * {@link #mapAsync(Func, Iterable, int, Consumer, Consumer)}, {@link #imap(Func, Iterable, int)},
 * {@link #imapUnordered(Func, Iterable, int)}, {@link #close()}, {@link #terminate()} and
 * {@link #join()} are abstract; the rest are written with them.
 */
public interface TaskPool extends AutoCloseable {

    /**
     * Runs {@code func} in a worker and returns its result: Python's {@code apply(func)}.
     *
     * @param <R> the type of the result
     * @param func the call
     * @return its result
     */
    default <R> R apply(Call<R> func) {
        return applyAsync(func).get();
    }

    /**
     * Python's {@code apply_async(func)}.
     *
     * @param <R> the type of the result
     * @param func the call
     * @return its result, when ready
     */
    default <R> AsyncResult<R> applyAsync(Call<R> func) {
        return applyAsync(func, null, null);
    }

    /**
     * Python's {@code apply_async(func, callback=, error_callback=)}: either callback may
     * be null; they run in this process, on one pool thread, before the result is ready.
     * A callback that throws is logged; the pool goes on.
     *
     * @param <R> the type of the result
     * @param func the call
     * @param callback gets the value (may be null)
     * @param errorCallback gets the exception (may be null)
     * @return its result, when ready
     */
    <R> AsyncResult<R> applyAsync(Call<R> func, Consumer<? super R> callback,
            Consumer<? super Throwable> errorCallback);

    /**
     * {@code func} over every item, in chunks of the pool's default size: Python's
     * {@code map(func, iterable)}.
     *
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @param func the function
     * @param iterable the items
     * @return the results, in order
     */
    default <T, R> List<R> map(Func<T, R> func, Iterable<T> iterable) {
        return mapAsync(func, iterable).get();
    }

    /**
     * As {@link #map(Func, Iterable)}, {@code chunksize} items per task: Python's
     * {@code map(func, iterable, chunksize)}.
     *
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @param func the function
     * @param iterable the items
     * @param chunksize items per task (1 or more)
     * @return the results, in order
     */
    default <T, R> List<R> map(Func<T, R> func, Iterable<T> iterable, int chunksize) {
        return mapAsync(func, iterable, chunksize).get();
    }

    /**
     * Python's {@code map_async(func, iterable)}.
     *
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @param func the function
     * @param iterable the items
     * @return the results, in order, when all are ready
     */
    <T, R> AsyncResult<List<R>> mapAsync(Func<T, R> func, Iterable<T> iterable);

    /**
     * Python's {@code map_async(func, iterable, chunksize)}.
     *
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @param func the function
     * @param iterable the items
     * @param chunksize items per task (1 or more)
     * @return the results, in order, when all are ready
     */
    default <T, R> AsyncResult<List<R>> mapAsync(Func<T, R> func, Iterable<T> iterable, int chunksize) {
        return mapAsync(func, iterable, chunksize, null, null);
    }

    /**
     * Python's {@code map_async(func, iterable, chunksize, callback=, error_callback=)};
     * callbacks as for {@link #applyAsync(Call, Consumer, Consumer)}.
     *
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @param func the function
     * @param iterable the items
     * @param chunksize items per task (1 or more)
     * @param callback gets the list of results (may be null)
     * @param errorCallback gets the first exception (may be null)
     * @return the results, in order, when all are ready
     */
    <T, R> AsyncResult<List<R>> mapAsync(Func<T, R> func, Iterable<T> iterable, int chunksize,
            Consumer<? super List<R>> callback, Consumer<? super Throwable> errorCallback);

    /**
     * Lazily, one item per task: Python's {@code imap(func, iterable)}.
     *
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @param func the function
     * @param iterable the items, read as the results are consumed
     * @return the results, in input order
     */
    default <T, R> Iterator<R> imap(Func<T, R> func, Iterable<T> iterable) {
        return imap(func, iterable, 1);
    }

    /**
     * Python's {@code imap(func, iterable, chunksize)}.
     *
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @param func the function
     * @param iterable the items, read as the results are consumed
     * @param chunksize items per task (1 or more)
     * @return the results, in input order
     */
    <T, R> Iterator<R> imap(Func<T, R> func, Iterable<T> iterable, int chunksize);

    /**
     * As {@link #imap(Func, Iterable)}, results as they complete: Python's
     * {@code imap_unordered(func, iterable)}.
     *
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @param func the function
     * @param iterable the items, read as the results are consumed
     * @return the results, as they complete
     */
    default <T, R> Iterator<R> imapUnordered(Func<T, R> func, Iterable<T> iterable) {
        return imapUnordered(func, iterable, 1);
    }

    /**
     * Python's {@code imap_unordered(func, iterable, chunksize)}.
     *
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @param func the function
     * @param iterable the items, read as the results are consumed
     * @param chunksize items per task (1 or more)
     * @return the results, as they complete
     */
    <T, R> Iterator<R> imapUnordered(Func<T, R> func, Iterable<T> iterable, int chunksize);

    /**
     * This pool as a Java {@link ExecutorService}: submit, invokeAll and invokeAny go
     * through {@link #applyAsync}, shutdown to {@link #close()} (in a thread of its own,
     * so that it returns at once), shutdownNow to {@link #terminate()}. Runnables and
     * Callables must be Serializable: write {@code (Callable<T> & Serializable) () -> ...};
     * one that is not fails at submit with IllegalArgumentException. Futures follow the
     * JDK's contract; cancel stops a task that has not been sent to a worker yet, never
     * a running one. Python has none ({@code concurrent.futures.ProcessPoolExecutor} is
     * its nearest kin).
     *
     * @return the executor
     */
    default ExecutorService asExecutorService() {
        return new dev.jmp.pool.TaskPoolExecutor(this);
    }

    /** No new tasks; returns once the queued tasks are done and the workers have left. Python's {@code close(); join()}. */
    @Override
    void close();

    /** Stops now; unfinished tasks fail with a ProcessError. Python's {@code terminate()}. */
    void terminate();

    /** Waits for a close() or terminate() to finish; IllegalStateException while the pool runs. Python's {@code join()}. */
    void join();
}
