package dev.jmp;

import dev.jmp.pool.Engine;
import dev.jmp.pool.TaskPoolExecutor;
import dev.jmp.resource.Cleanup;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * A pool of worker processes: Python's {@code multiprocessing.Pool}.
 *
 * <pre>{@code
 * try (Pool pool = new Pool(4)) {
 *     List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));   // [1, 4, 9]
 * }
 * }</pre>
 *
 * <p>Workers are daemon {@link Process}es named {@code PoolWorker-N}, started with the
 * current start method ({@link Multiprocessing#setStartMethod}), fed by POSIX message
 * queues. Functions and arguments are serialized in the calling thread: one that
 * cannot be fails the call with IllegalArgumentException, and nothing of it runs.
 *
 * <p>Where CPython's pool can hang, this one cannot:
 * <ul>
 * <li>A worker that dies (killed, {@code System.exit}, a crash) fails only the task it
 *     was running, with a ProcessError that names its pid and exit code; the tasks
 *     queued behind it go to other workers, a new worker takes its place, and the pool
 *     goes on.</li>
 * <li>A result that cannot be serialized fails that task with a ProcessError
 *     ("Error sending result: ..."); the worker goes on.</li>
 * <li>An initializer that throws breaks the pool: queued and running tasks fail with a
 *     ProcessError whose cause is the initializer's exception, and later calls throw
 *     IllegalStateException (CPython restarts the worker forever).</li>
 * <li>{@link #close()} waits for the queued work and the workers' exit (Python's
 *     {@code close(); join()}), so try-with-resources leaves no worker behind;
 *     {@link #terminate()} stops at once and fails what is unfinished.</li>
 * </ul>
 *
 * <p>{@code imap} reads its input lazily, at most a few chunks per worker ahead of the
 * consumer, so an endless input is fine as long as it is consumed. Closing the pool
 * stops the reading: an imap whose input was not read to its end throws
 * IllegalStateException after its last result (terminate: ProcessError).
 *
 * <p>Beyond Python: a Pool is a {@link TaskPool} (code written against that interface
 * runs on a ClusterPool too), its results are {@link java.util.concurrent.Future}s
 * ({@link AsyncResult#toCompletableFuture()}), and {@link #asExecutorService()} makes
 * it a Java ExecutorService.
 */
public class Pool implements TaskPool {
    private final Engine engine;
    private ExecutorService executor;   // guarded by this; made at the first asExecutorService()

    /** A pool of {@link Multiprocessing#cpuCount()} workers: Python's {@code Pool()}. */
    public Pool() {
        this(Multiprocessing.cpuCount());
    }

    /**
     * Python's {@code Pool(processes)}.
     *
     * @param processes how many workers (1 or more)
     */
    public Pool(int processes) {
        this(processes, null);
    }

    /**
     * Python's {@code Pool(processes, initializer)}.
     *
     * @param processes how many workers (1 or more)
     * @param initializer runs once in each worker before its first task (may be null)
     */
    public Pool(int processes, Task initializer) {
        this(processes, initializer, null);
    }

    /**
     * Python's {@code Pool(processes, initializer, maxtasksperchild)}.
     *
     * @param processes how many workers (1 or more)
     * @param initializer runs once in each worker before its first task (may be null)
     * @param maxtasksperchild a worker exits after this many tasks (a map chunk is one
     *        task) and a new one takes its place; null: no limit (Python's None); 0 or
     *        negative: IllegalArgumentException, as Python's ValueError
     */
    public Pool(int processes, Task initializer, Integer maxtasksperchild) {
        if (maxtasksperchild != null && maxtasksperchild < 1) {
            throw new IllegalArgumentException("maxtasksperchild must be a positive int or null, not "
                    + maxtasksperchild);
        }
        this.engine = new Engine(processes, initializer, maxtasksperchild == null ? 0 : maxtasksperchild,
                Multiprocessing.startMethod());
        // Terminates a running pool that became unreachable (CPython only warns, and leaves its workers).
        Cleanup.onUnreachable(this, engine::abandoned);
    }

    /** Runs {@code func} in a worker and returns its result. */
    @Override
    public <R> R apply(Call<R> func) {
        return applyAsync(func).get();
    }

    @Override
    public <R> AsyncResult<R> applyAsync(Call<R> func) {
        return engine.apply(func, null, null, this);
    }

    /**
     * As {@link #applyAsync(Call)}; {@code callback} gets the value, {@code errorCallback}
     * the exception (either may be null), in this process, on the pool's one callback
     * thread, before the result becomes ready (Python's {@code apply_async(func,
     * callback=, error_callback=)}). A callback that throws is logged; the pool goes on.
     * A callback must not wait for another result of this pool that has callbacks.
     */
    @Override
    public <R> AsyncResult<R> applyAsync(Call<R> func, Consumer<? super R> callback,
            Consumer<? super Throwable> errorCallback) {
        return engine.apply(func, callback, errorCallback, this);
    }

    /** {@code func} applied to every item, in chunks (CPython's default size: about 4 per worker); results in order. */
    @Override
    public <T, R> List<R> map(Func<T, R> func, Iterable<T> iterable) {
        return mapAsync(func, iterable).get();
    }

    @Override
    public <T, R> List<R> map(Func<T, R> func, Iterable<T> iterable, int chunksize) {
        return mapAsync(func, iterable, chunksize).get();
    }

    @Override
    public <T, R> AsyncResult<List<R>> mapAsync(Func<T, R> func, Iterable<T> iterable) {
        return engine.map(func, iterable, -1, null, null, this);
    }

    @Override
    public <T, R> AsyncResult<List<R>> mapAsync(Func<T, R> func, Iterable<T> iterable, int chunksize) {
        return mapAsync(func, iterable, chunksize, null, null);
    }

    /** As {@link #mapAsync(Func, Iterable, int)}, with callbacks as {@link #applyAsync(Call, Consumer, Consumer)}'s. */
    @Override
    public <T, R> AsyncResult<List<R>> mapAsync(Func<T, R> func, Iterable<T> iterable, int chunksize,
            Consumer<? super List<R>> callback, Consumer<? super Throwable> errorCallback) {
        if (chunksize < 1) {
            throw new IllegalArgumentException("Chunksize must be 1+, not " + chunksize);
        }
        return engine.map(func, iterable, chunksize, callback, errorCallback, this);
    }

    /** Lazily, one item per task; results in input order. */
    @Override
    public <T, R> Iterator<R> imap(Func<T, R> func, Iterable<T> iterable) {
        return imap(func, iterable, 1);
    }

    /**
     * As {@link #imap(Func, Iterable)}, {@code chunksize} items per task. If the input
     * throws, the chunk it was filling fails with that exception, as in CPython (the
     * items read into it before are not run): the iterator yields every result of the
     * chunks before it, then throws, then ends.
     */
    @Override
    public <T, R> Iterator<R> imap(Func<T, R> func, Iterable<T> iterable, int chunksize) {
        return new Owned<>(engine.imap(func, iterable, chunksize, true), this);
    }

    /** As {@link #imap}, results as they complete. */
    @Override
    public <T, R> Iterator<R> imapUnordered(Func<T, R> func, Iterable<T> iterable) {
        return imapUnordered(func, iterable, 1);
    }

    @Override
    public <T, R> Iterator<R> imapUnordered(Func<T, R> func, Iterable<T> iterable, int chunksize) {
        return new Owned<>(engine.imap(func, iterable, chunksize, false), this);
    }

    /**
     * No new tasks; returns once the queued tasks are done and the workers have exited
     * (Python's {@code close()} then {@code join()}). Again: returns at once.
     */
    @Override
    public void close() {
        engine.close();
    }

    /** Stops the workers now; unfinished tasks fail with a ProcessError. */
    @Override
    public void terminate() {
        engine.terminate();
    }

    /** Waits for a close() or terminate() to finish; IllegalStateException while the pool runs. */
    @Override
    public void join() {
        engine.join();
    }

    /**
     * This pool as a Java ExecutorService (the same one at every call): see
     * {@link TaskPool#asExecutorService()} and {@link TaskPoolExecutor}.
     */
    @Override
    public synchronized ExecutorService asExecutorService() {
        if (executor == null) {
            executor = new TaskPoolExecutor(this);
        }
        return executor;
    }

    /** {@code <Pool state=RUN pool_size=4>}, as Python's repr. */
    @Override
    public String toString() {
        return "<Pool state=" + engine.state() + " pool_size=" + engine.processes() + ">";
    }

    /** An imap's iterator, which keeps its Pool reachable while it is. */
    private static final class Owned<R> implements Iterator<R> {
        private final Iterator<R> results;
        @SuppressWarnings("unused")
        private final Pool owner;

        Owned(Iterator<R> results, Pool owner) {
            this.results = results;
            this.owner = owner;
        }

        @Override
        public boolean hasNext() {
            return results.hasNext();
        }

        @Override
        public R next() {
            return results.next();
        }

        @Override
        public String toString() {
            return results.toString();
        }
    }

    /** Pids of the live workers (tests). */
    List<Integer> workerPids() {
        return engine.workerPids();
    }

    /** The pool's message queue names (tests). */
    List<String> kernelNames() {
        return engine.kernelNames();
    }
}
