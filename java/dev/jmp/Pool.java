package dev.jmp;

import dev.jmp.pool.Engine;
import dev.jmp.resource.Cleanup;
import java.util.Iterator;
import java.util.List;

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
 */
public class Pool implements AutoCloseable {
    private final Engine engine;

    /** {@link Multiprocessing#cpuCount()} workers. */
    public Pool() {
        this(Multiprocessing.cpuCount());
    }

    public Pool(int processes) {
        this(processes, null);
    }

    /** {@code initializer} (may be null) runs once in each worker before its first task. */
    public Pool(int processes, Task initializer) {
        this(processes, initializer, 0);
    }

    /**
     * A worker exits after {@code maxtasksperchild} tasks (a map chunk is one task) and a
     * new one takes its place; 0: no limit (Python's None).
     */
    public Pool(int processes, Task initializer, int maxtasksperchild) {
        this.engine = new Engine(processes, initializer, maxtasksperchild);
        // Terminates a running pool that became unreachable (CPython only warns, and leaves its workers).
        Cleanup.onUnreachable(this, engine::abandoned);
    }

    /** Runs {@code func} in a worker and returns its result. */
    public <R> R apply(Call<R> func) {
        return applyAsync(func).get();
    }

    public <R> AsyncResult<R> applyAsync(Call<R> func) {
        return engine.apply(func, this);
    }

    /** {@code func} applied to every item, in chunks (CPython's default size: about 4 per worker); results in order. */
    public <T, R> List<R> map(Func<T, R> func, Iterable<T> iterable) {
        return mapAsync(func, iterable).get();
    }

    public <T, R> List<R> map(Func<T, R> func, Iterable<T> iterable, int chunksize) {
        return mapAsync(func, iterable, chunksize).get();
    }

    public <T, R> AsyncResult<List<R>> mapAsync(Func<T, R> func, Iterable<T> iterable) {
        return engine.map(func, iterable, -1, this);
    }

    public <T, R> AsyncResult<List<R>> mapAsync(Func<T, R> func, Iterable<T> iterable, int chunksize) {
        if (chunksize < 1) {
            throw new IllegalArgumentException("Chunksize must be 1+, not " + chunksize);
        }
        return engine.map(func, iterable, chunksize, this);
    }

    /** Lazily, one item per task; results in input order. */
    public <T, R> Iterator<R> imap(Func<T, R> func, Iterable<T> iterable) {
        return imap(func, iterable, 1);
    }

    public <T, R> Iterator<R> imap(Func<T, R> func, Iterable<T> iterable, int chunksize) {
        return new Owned<>(engine.imap(func, iterable, chunksize, true), this);
    }

    /** As {@link #imap}, results as they complete. */
    public <T, R> Iterator<R> imapUnordered(Func<T, R> func, Iterable<T> iterable) {
        return imapUnordered(func, iterable, 1);
    }

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
    public void terminate() {
        engine.terminate();
    }

    /** Waits for a close() or terminate() to finish; IllegalStateException while the pool runs. */
    public void join() {
        engine.join();
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
