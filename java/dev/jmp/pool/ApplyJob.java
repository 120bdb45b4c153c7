package dev.jmp.pool;

import java.util.function.Consumer;

/** The AsyncResult of {@code applyAsync}: one task. */
final class ApplyJob<R> extends Result<R> implements Job {
    private final long id;
    private volatile Outcome outcome;

    ApplyJob(long id, Host host, Object owner, Consumer<? super R> callback,
            Consumer<? super Throwable> errorCallback) {
        super(host, owner, callback, errorCallback);
        this.id = id;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public void deliver(int index, Outcome o) {
        if (outcome == null) {
            outcome = o;
            settle();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    protected R value() {
        return (R) outcome.value();
    }

    @Override
    protected Throwable error() {
        return outcome.ok() ? null : outcome.error();
    }

    @Override
    protected boolean succeeded() {
        return outcome.ok();
    }

    @Override
    public String toString() {
        return "<AsyncResult job=" + id + (ready() ? " ready" : " pending") + ">";
    }
}
