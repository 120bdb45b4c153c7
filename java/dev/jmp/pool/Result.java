package dev.jmp.pool;

import dev.jmp.AsyncResult;
import dev.jmp.InterruptedError;
import dev.jmp.TimeoutError;
import dev.jmp.blocking.Deadline;
import dev.jmp.resource.Log;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * What applyAsync and mapAsync return: the waiting, the callbacks, the Future and the
 * CompletableFuture views, over a job whose subclass knows how its tasks' outcomes
 * become one value ({@link ApplyJob}: one task, {@link MapJob}: a list of chunks).
 * Public, outside the API package, for one user beyond this package: the cluster
 * module's pool, whose results behave exactly as these do (one rule, written once).
 *
 * <h2>When a result is ready</h2>
 * The subclass calls {@link #settle()} (under the pool's lock, from the result thread
 * or wherever a task failed) once every task has ended. With no callback and no
 * CompletableFuture asked for, the result is ready at once. Otherwise the rest happens
 * on the pool's callback thread ({@link Host#runCallback}), as CPython runs callbacks
 * on its result-handler thread, and in CPython's order: the callback (or the error
 * callback) runs first, then the result becomes ready, so that whoever returns from
 * {@link #get()} knows the callback has run; then the CompletableFuture completes.
 * Decoding the value there, not under the pool's lock, keeps the result thread free.
 * A callback that throws is logged and changes nothing else (CPython logs it too).
 *
 * <h2>Two kinds of get</h2>
 * {@link #get()} and {@link #get(Duration)} are Python's: the task's exception is
 * thrown as the class comment of {@link AsyncResult} says. {@link #get(long, TimeUnit)}
 * is {@link java.util.concurrent.Future}'s: the exception comes as the cause of an
 * ExecutionException, a timeout as TimeoutException, an interrupt as
 * InterruptedException.
 */
public abstract class Result<R> implements AsyncResult<R> {
    private static final Log LOG = new Log("dev.jmp.pool");

    /** What a result needs of its pool. */
    public interface Host {
        /** Takes the result's tasks out of the queue if none has been sent yet; true if it did (they are then cancelled). */
        boolean withdraw(Result<?> result);

        /** Runs {@code r} on the pool's callback thread, after what is already there. */
        void runCallback(Runnable r);
    }

    private final Host host;
    private final Consumer<? super R> callback;
    private final Consumer<? super Throwable> errorCallback;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean ready;
    private volatile boolean cancelled;
    private Linked<R> future;           // guarded by this
    @SuppressWarnings("unused")         // only kept reachable until settled
    private volatile Object owner;

    /**
     * A result of {@code host}'s; {@code owner} (may be null) is kept reachable until
     * the result is settled; either callback may be null.
     */
    protected Result(Host host, Object owner, Consumer<? super R> callback, Consumer<? super Throwable> errorCallback) {
        this.host = host;
        this.owner = owner;
        this.callback = callback;
        this.errorCallback = errorCallback;
    }

    // ---- what the subclass knows --------------------------------------------------------

    /** The value, or throws the task's exception (Python's rule). Only once settled. */
    protected abstract R value();

    /** The task's exception, unwrapped; null if it succeeded. Only once settled. */
    protected abstract Throwable error();

    /** True if it succeeded (as the worker reported it). Only once settled. */
    protected abstract boolean succeeded();

    // ---- settling -------------------------------------------------------------------------

    /** Every task has ended (called once, by the subclass, under the pool's lock). */
    protected final void settle() {
        owner = null;
        boolean later;
        synchronized (this) {
            later = callback != null || errorCallback != null || future != null;
        }
        if (later) {
            host.runCallback(this::finish);
        } else {
            finish();
        }
    }

    private void finish() {
        if (callback != null || errorCallback != null) {
            runCallbacks();
        }
        Linked<R> f;
        synchronized (this) {
            ready = true;
            f = future;
        }
        done.countDown();
        if (f != null) {
            complete(f);
        }
    }

    private void runCallbacks() {
        try {
            Throwable e = error();
            if (e == null) {
                R v;
                try {
                    v = value();
                } catch (RuntimeException | Error failed) {
                    e = failed;
                    v = null;
                }
                if (e == null) {
                    if (callback != null) {
                        callback.accept(v);
                    }
                    return;
                }
            }
            if (errorCallback != null) {
                errorCallback.accept(e);
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "a callback of " + this + " raised; the pool goes on", t);
        }
    }

    private void complete(CompletableFuture<R> f) {
        Throwable e;
        try {
            e = error();
            if (e == null) {
                f.complete(value());
                return;
            }
        } catch (RuntimeException | Error failed) {
            e = failed;
        }
        f.completeExceptionally(e);
    }

    // ---- Python's AsyncResult -----------------------------------------------------------

    @Override
    public R get() {
        await();
        return value();
    }

    @Override
    public R get(Duration timeout) {
        if (!Job.await(done, Deadline.after(timeout), "waiting for a pool result")) {
            throw new TimeoutError("the result was not ready within the timeout");
        }
        return value();
    }

    @Override
    public void await() {
        Job.await(done, Deadline.never(), "waiting for a pool result");
    }

    @Override
    public void await(Duration timeout) {
        Job.await(done, Deadline.after(timeout), "waiting for a pool result");
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public boolean successful() {
        if (!ready) {
            throw new IllegalStateException(this + " not ready");
        }
        return succeeded();
    }

    // ---- Future -------------------------------------------------------------------------

    /**
     * Cancels the call if none of its tasks has been sent to a worker yet: it is taken
     * out of the pool's queue, {@code get} throws CancellationException, the error
     * callback gets one. Once a task has been sent it runs to its end, and this returns
     * false: a worker is another process, and {@code mayInterruptIfRunning} cannot
     * interrupt it (terminate the pool to stop it).
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (ready || cancelled) {
            return false;       // the JDK's rule: it has completed, or was cancelled already
        }
        if (host.withdraw(this)) {
            cancelled = true;
        }
        return cancelled;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public boolean isDone() {
        return ready || cancelled;
    }

    @Override
    public R get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        boolean in;
        try {
            in = Job.await(done, Deadline.after(Duration.ofNanos(unit.toNanos(timeout))), "waiting for a pool result");
        } catch (InterruptedError e) {
            Thread.interrupted();
            InterruptedException ie = new InterruptedException(e.getMessage());
            ie.initCause(e);
            throw ie;
        }
        if (!in) {
            throw new TimeoutException("the result was not ready within " + timeout + " " + unit);
        }
        if (cancelled) {
            throw new CancellationException("the task was cancelled before it ran");
        }
        Throwable e;
        try {
            e = error();
            if (e == null) {
                return value();
            }
        } catch (RuntimeException | Error failed) {
            e = failed;
        }
        if (e instanceof CancellationException c) {
            throw c;
        }
        throw new ExecutionException(e);
    }

    /**
     * This result as a CompletableFuture (the same one at every call), completed on
     * the pool's callback thread: stages added without an executor run there too, so
     * they should be short (use the {@code *Async} forms for long ones). Cancelling it
     * cancels the call as {@link #cancel} does.
     */
    @Override
    public CompletableFuture<R> toCompletableFuture() {
        Linked<R> f;
        boolean now;
        synchronized (this) {
            if (future == null) {
                future = new Linked<>(this);
                now = ready;
            } else {
                now = false;
            }
            f = future;
        }
        if (now) {
            complete(f);
        }
        return f;
    }

    /** A CompletableFuture whose cancel cancels the call. */
    private static final class Linked<R> extends CompletableFuture<R> {
        private final Result<R> result;

        Linked(Result<R> result) {
            this.result = result;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (result.cancel(mayInterruptIfRunning)) {
                super.cancel(mayInterruptIfRunning);
                return true;
            }
            return isCancelled();
        }
    }
}
