package dev.jmp.pool;

import java.util.function.Consumer;

/** The AsyncResult of {@code applyAsync}: one task. */
final class ApplyJob<R> extends Result<R> {
    private volatile Outcome outcome;

    ApplyJob(long id, Host host, Object owner, Consumer<? super R> callback,
            Consumer<? super Throwable> errorCallback) {
        super(id, host, owner, callback, errorCallback);
    }

    @Override
    void deliver(int index, Outcome o) {
        if (outcome == null) {
            outcome = o;
            settle();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    R value() {
        return (R) outcome.value();
    }

    @Override
    Throwable error() {
        return outcome.ok() ? null : outcome.error();
    }

    @Override
    boolean succeeded() {
        return outcome.ok();
    }

    @Override
    public String toString() {
        return "<AsyncResult job=" + id + (ready() ? " ready" : " pending") + ">";
    }
}
