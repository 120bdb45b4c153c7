package dev.jmp.cluster;

import dev.jmp.AsyncResult;
import dev.jmp.InterruptedError;
import dev.jmp.TimeoutError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * What {@link ClusterPool#applyAsync} and {@link ClusterPool#mapAsync} return: one
 * outcome per task, and once all are in, the callbacks, then readiness, then the
 * CompletableFuture, in that order and on the pool's callback thread (the order the
 * core Pool keeps, after CPython: when {@code get} returns, the callback has run).
 * With no callback and no CompletableFuture asked for, it is ready at once.
 */
class Result<R> implements AsyncResult<R>, Job {
    private static final System.Logger LOG = System.getLogger("dev.jmp.cluster");

    /** What a result needs of its pool. */
    interface Host {
        /** Takes the job's tasks out of the queue if none has been sent yet; true if it did. */
        boolean withdraw(Job job);

        /** Runs {@code r} on the pool's callback thread. */
        void runCallback(Runnable r);
    }

    private final Host host;
    private final boolean list;             // a map: the chunks' lists joined; else one value
    private final Outcome[] outcomes;
    private final Consumer<? super R> callback;
    private final Consumer<? super Throwable> errorCallback;
    private final CountDownLatch done = new CountDownLatch(1);
    private int remaining;                  // guarded by this
    private volatile boolean ready;
    private volatile boolean cancelled;
    private CompletableFuture<R> future;    // guarded by this

    Result(Host host, int tasks, boolean list, Consumer<? super R> callback, Consumer<? super Throwable> errorCallback) {
        this.host = host;
        this.list = list;
        this.outcomes = new Outcome[tasks];
        this.remaining = tasks;
        this.callback = callback;
        this.errorCallback = errorCallback;
        if (tasks == 0) {
            settle();
        }
    }

    @Override
    public void deliver(int index, Outcome outcome) {
        boolean last;
        synchronized (this) {
            outcomes[index] = outcome;
            if (outcome.isCancellation()) {
                cancelled = true;
            }
            last = --remaining == 0;
        }
        if (last) {
            settle();
        }
    }

    private void settle() {
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
            try {
                Throwable e = error();
                if (e == null && callback != null) {
                    callback.accept(value());
                } else if (e != null && errorCallback != null) {
                    errorCallback.accept(e);
                }
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "a callback raised; the pool goes on", t);
            }
        }
        CompletableFuture<R> f;
        synchronized (this) {
            ready = true;
            f = future;
        }
        done.countDown();
        if (f != null) {
            complete(f);
        }
    }

    /** The first failed task's exception (in task order), unwrapped; null if all succeeded. */
    private Throwable error() {
        for (Outcome o : outcomes) {
            if (!o.ok()) {
                return o.error();
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private R value() {
        if (!list) {
            return (R) outcomes[0].value();
        }
        for (Outcome o : outcomes) {
            if (!o.ok()) {
                o.value();      // throws
            }
        }
        List<Object> all = new ArrayList<>();
        for (Outcome o : outcomes) {
            all.addAll((List<?>) o.value());
        }
        return (R) all;
    }

    private boolean succeeded() {
        return error() == null;
    }

    private void complete(CompletableFuture<R> f) {
        Throwable e = error();
        if (e == null) {
            f.complete(value());
        } else {
            f.completeExceptionally(e);
        }
    }

    private boolean await(long nanos) {
        try {
            return done.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedError("interrupted waiting for a cluster pool result");
        }
    }

    private static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    // ---- Python's AsyncResult -------------------------------------------------------

    @Override
    public R get() {
        await();
        return value();
    }

    @Override
    public R get(Duration timeout) {
        if (!await(nanos(timeout))) {
            throw new TimeoutError("the result was not ready within the timeout");
        }
        return value();
    }

    @Override
    public void await() {
        await(Long.MAX_VALUE);
    }

    @Override
    public void await(Duration timeout) {
        await(nanos(timeout));
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public boolean successful() {
        if (!ready) {
            throw new IllegalStateException("the result is not ready");
        }
        return succeeded();
    }

    // ---- Future -----------------------------------------------------------------------

    /** Cancels the call if none of its tasks has been sent to a member yet; a sent task runs to its end. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (ready || cancelled) {
            return false;
        }
        return host.withdraw(this) && cancelled;
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
            in = await(unit.toNanos(timeout));
        } catch (InterruptedError e) {
            Thread.interrupted();
            throw new InterruptedException(e.getMessage());
        }
        if (!in) {
            throw new TimeoutException("the result was not ready within " + timeout + " " + unit);
        }
        Throwable e = error();
        if (e == null) {
            return value();
        }
        if (e instanceof CancellationException c) {
            throw c;
        }
        throw new ExecutionException(e);
    }

    @Override
    public CompletableFuture<R> toCompletableFuture() {
        CompletableFuture<R> f;
        boolean now = false;
        synchronized (this) {
            if (future == null) {
                future = new CompletableFuture<>() {
                    @Override
                    public boolean cancel(boolean mayInterruptIfRunning) {
                        if (Result.this.cancel(mayInterruptIfRunning)) {
                            super.cancel(mayInterruptIfRunning);
                            return true;
                        }
                        return isCancelled();
                    }
                };
                now = ready;
            }
            f = future;
        }
        if (now) {
            complete(f);
        }
        return f;
    }
}
