package dev.jmp.pool;

import dev.jmp.AsyncResult;
import dev.jmp.TimeoutError;
import dev.jmp.blocking.Deadline;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** The AsyncResult of {@code applyAsync}: one task. */
final class ApplyJob<R> extends Job implements AsyncResult<R> {
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Outcome outcome;
    @SuppressWarnings("unused")     // only kept reachable
    private volatile Object owner;

    ApplyJob(long id, Object owner) {
        super(id);
        this.owner = owner;
    }

    @Override
    void deliver(int index, Outcome o) {
        if (outcome == null) {
            outcome = o;
            owner = null;
            done.countDown();
        }
    }

    @Override
    public R get() {
        return get(Deadline.never());
    }

    @Override
    public R get(Duration timeout) {
        return get(Deadline.after(timeout));
    }

    @SuppressWarnings("unchecked")
    private R get(Deadline deadline) {
        if (!await(done, deadline, "waiting for a pool result")) {
            throw new TimeoutError("the result was not ready within the timeout");
        }
        return (R) outcome.value();
    }

    @Override
    public void await() {
        await(done, Deadline.never(), "waiting for a pool result");
    }

    @Override
    public void await(Duration timeout) {
        await(done, Deadline.after(timeout), "waiting for a pool result");
    }

    @Override
    public boolean ready() {
        return outcome != null;
    }

    @Override
    public boolean successful() {
        Outcome o = outcome;
        if (o == null) {
            throw new IllegalStateException(this + " not ready");
        }
        return o.ok();
    }

    @Override
    public String toString() {
        return "<AsyncResult job=" + id + (outcome == null ? " pending" : " ready") + ">";
    }
}
