package dev.jmp.cluster;

import dev.jmp.pool.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What {@link ClusterPool#applyAsync} and {@link ClusterPool#mapAsync} return: the core
 * Pool's {@link Result} (waiting, callbacks, Future and CompletableFuture, in the core's
 * order), over one outcome per task. An apply's value is its one task's; a map's is
 * the chunks' lists joined in order, and it fails with the first chunk (in input
 * order) that failed, once every chunk has ended.
 */
final class ClusterResult<R> extends Result<R> implements Job {
    private final boolean list;             // a map: the chunks' lists joined; else one value
    private final Outcome[] outcomes;       // guarded by this
    private int remaining;                  // guarded by this

    ClusterResult(Host host, int tasks, boolean list, Consumer<? super R> callback,
            Consumer<? super Throwable> errorCallback) {
        super(host, null, callback, errorCallback);
        this.list = list;
        this.outcomes = new Outcome[tasks];
        this.remaining = tasks;
        if (tasks == 0) {
            settle();
        }
    }

    @Override
    public void deliver(int index, Outcome outcome) {
        synchronized (this) {
            if (outcomes[index] != null) {
                return;
            }
            outcomes[index] = outcome;
            if (--remaining > 0) {
                return;
            }
        }
        settle();
    }

    @Override
    protected synchronized Throwable error() {
        for (Outcome o : outcomes) {
            if (!o.ok()) {
                return o.error();
            }
        }
        return null;
    }

    @Override
    protected boolean succeeded() {
        return error() == null;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected synchronized R value() {
        if (!list) {
            return (R) outcomes[0].value();
        }
        int n = 0;
        for (Outcome o : outcomes) {
            if (!o.ok()) {
                o.value();      // throws
            }
            n += ((List<?>) o.value()).size();
        }
        List<Object> all = new ArrayList<>(n);
        for (Outcome o : outcomes) {
            all.addAll((List<?>) o.value());
        }
        return (R) all;
    }
}
