package dev.jmp.pool;

import dev.jmp.AsyncResult;
import dev.jmp.TimeoutError;
import dev.jmp.blocking.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The AsyncResult of {@code mapAsync}: one task per chunk, results in input order, as
 * one list (the same list for every get(), as CPython returns the same list object).
 *
 * <p>As CPython's MapResult: ready only when every chunk has ended, even after one
 * failed (so that when get() throws, no task of the call is still running), and the
 * exception thrown is that of the first chunk to fail.
 */
final class MapJob<R> extends Job implements AsyncResult<List<R>> {
    private final int length;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Outcome[] outcomes;   // guarded by this
    private int arrived;                // guarded by this
    private int firstFailed = -1;       // guarded by this
    private volatile boolean ready;
    private List<R> list;               // guarded by this; built at the first get()
    @SuppressWarnings("unused")         // only kept reachable until ready
    private volatile Object owner;

    MapJob(long id, int chunks, int length, Object owner) {
        super(id);
        this.length = length;
        this.owner = chunks == 0 ? null : owner;
        this.outcomes = new Outcome[chunks];
        if (chunks == 0) {
            ready = true;
            done.countDown();
        }
    }

    @Override
    synchronized void deliver(int index, Outcome o) {
        if (outcomes[index] != null || ready) {
            return;
        }
        outcomes[index] = o;
        arrived++;
        if (!o.ok() && firstFailed < 0) {
            firstFailed = index;
        }
        if (arrived == outcomes.length) {
            owner = null;
            ready = true;
            done.countDown();
        }
    }

    @Override
    public List<R> get() {
        return get(Deadline.never());
    }

    @Override
    public List<R> get(Duration timeout) {
        return get(Deadline.after(timeout));
    }

    @SuppressWarnings("unchecked")
    private synchronized List<R> collect() {
        if (list != null) {
            return list;
        }
        if (firstFailed >= 0) {
            outcomes[firstFailed].value();      // throws
        }
        List<R> all = new ArrayList<>(length);
        for (int i = 0; i < outcomes.length; i++) {
            Object v = outcomes[i].value();
            if (!(v instanceof Batch b)) {
                throw new dev.jmp.ProcessError("a map task returned " + (v == null ? "null" : v.getClass().getName())
                        + " instead of its results");
            }
            all.addAll((List<R>) b.items());
            outcomes[i] = null;     // the decoded chunk is in the list now
        }
        list = all;
        return list;
    }

    private List<R> get(Deadline deadline) {
        if (!await(done, deadline, "waiting for a pool map")) {
            throw new TimeoutError("the map's results were not ready within the timeout");
        }
        return collect();
    }

    @Override
    public void await() {
        await(done, Deadline.never(), "waiting for a pool map");
    }

    @Override
    public void await(Duration timeout) {
        await(done, Deadline.after(timeout), "waiting for a pool map");
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public synchronized boolean successful() {
        if (!ready) {
            throw new IllegalStateException(this + " not ready");
        }
        return firstFailed < 0;
    }

    @Override
    public String toString() {
        return "<MapResult job=" + id + " tasks=" + outcomes.length + (ready ? " ready" : " pending") + ">";
    }
}
