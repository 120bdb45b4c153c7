package dev.jmp.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The AsyncResult of {@code mapAsync}: one task per chunk, results in input order, as
 * one list (the same list for every get(), as CPython returns the same list object).
 *
 * <p>As CPython's MapResult: ready only when every chunk has ended, even after one
 * failed (so that when get() throws, no task of the call is still running), and the
 * exception thrown is that of the first chunk to fail.
 */
final class MapJob<R> extends Result<List<R>> implements Job {
    private final long id;
    private final int length;
    private final Outcome[] outcomes;   // guarded by this
    private int arrived;                // guarded by this
    private int firstFailed = -1;       // guarded by this
    private boolean settled;            // guarded by this
    private List<R> list;               // guarded by this; built at the first get()

    MapJob(long id, int chunks, int length, Host host, Object owner, Consumer<? super List<R>> callback,
            Consumer<? super Throwable> errorCallback) {
        super(host, chunks == 0 ? null : owner, callback, errorCallback);
        this.id = id;
        this.length = length;
        this.outcomes = new Outcome[chunks];
    }

    /** An empty input: ready at once (its callback runs on the pool's callback thread). */
    void settleIfEmpty() {
        if (outcomes.length == 0) {
            synchronized (this) {
                settled = true;
            }
            settle();
        }
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public void deliver(int index, Outcome o) {
        synchronized (this) {
            if (outcomes[index] != null || settled) {
                return;
            }
            outcomes[index] = o;
            arrived++;
            if (!o.ok() && firstFailed < 0) {
                firstFailed = index;
            }
            if (arrived < outcomes.length) {
                return;
            }
            settled = true;
        }
        settle();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected synchronized List<R> value() {
        if (list != null) {
            return list;
        }
        if (firstFailed >= 0) {
            outcomes[firstFailed].value();      // throws
        }
        List<R> all = new ArrayList<>(length);
        for (int i = 0; i < outcomes.length; i++) {
            Object v = outcomes[i].value();
            Batch b = Batch.of(v);
            if (b == null) {
                throw new dev.jmp.ProcessError("a map task returned " + (v == null ? "null" : v.getClass().getName())
                        + " instead of its results");
            }
            all.addAll((List<R>) b.items());
            outcomes[i] = null;     // the decoded chunk is in the list now
        }
        list = all;
        return list;
    }

    @Override
    protected synchronized Throwable error() {
        return firstFailed < 0 ? null : outcomes[firstFailed].error();
    }

    @Override
    protected synchronized boolean succeeded() {
        return firstFailed < 0;
    }

    @Override
    public String toString() {
        return "<MapResult job=" + id + " tasks=" + outcomes.length + (ready() ? " ready" : " pending") + ">";
    }
}
