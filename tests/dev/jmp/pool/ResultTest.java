package dev.jmp.pool;

import dev.jmp.queue.Codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.ProcessError;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A result's settling, callbacks, Future and CompletableFuture views, without a pool:
 * outcomes are delivered by hand, and the "callback thread" is a queue the test runs,
 * so every ordering is decided here.
 */
class ResultTest {

    /** A host whose callback thread is a queue the test drains; withdraw as the test says. */
    static final class FakeHost implements Result.Host {
        final ArrayDeque<Runnable> queued = new ArrayDeque<>();
        boolean withdrawable;

        @Override
        public boolean withdraw(Result<?> result) {
            if (withdrawable) {
                ((Job) result).deliver(0, Outcome.cancelled());
            }
            return withdrawable;
        }

        @Override
        public void runCallback(Runnable r) {
            queued.add(r);
        }

        void runCallbacks() {
            while (!queued.isEmpty()) {
                queued.poll().run();
            }
        }
    }

    static Outcome value(Object v) {
        return Outcome.remote(true, Codec.encode(v, "test"), "PoolWorker-1 (pid 1)");
    }

    static Outcome raised(Throwable t) {
        return Outcome.remote(false, Codec.encode(t, "test"), "PoolWorker-1 (pid 1)");
    }

    @Test
    void withoutCallbacksAResultIsReadyAtOnce() throws Exception {
        FakeHost host = new FakeHost();
        ApplyJob<Integer> r = new ApplyJob<>(1, host, null, null, null);
        assertFalse(r.ready());
        r.deliver(0, value(42));
        assertTrue(r.ready());
        assertTrue(host.queued.isEmpty());
        assertEquals(42, r.get());
        assertEquals(42, r.get(1, TimeUnit.SECONDS));
        assertEquals(42, r.toCompletableFuture().getNow(-1), "completed in the caller, once ready");
    }

    @Test
    void theCallbackRunsOnTheCallbackThreadBeforeTheResultIsReady() {
        FakeHost host = new FakeHost();
        List<Object> seen = new ArrayList<>();
        List<ApplyJob<Integer>> self = new ArrayList<>();
        ApplyJob<Integer> r = new ApplyJob<>(1, host, null, v -> {
            seen.add(v);
            seen.add("ready: " + self.get(0).ready());
        }, seen::add);
        self.add(r);
        CompletableFuture<Integer> cf = r.toCompletableFuture();
        r.deliver(0, value(7));
        assertFalse(r.ready(), "not before the callback");
        assertFalse(cf.isDone());
        host.runCallbacks();
        assertEquals(List.of(7, "ready: false"), seen);
        assertTrue(r.ready());
        assertEquals(7, cf.join());
        r.deliver(0, value(8));
        assertEquals(7, r.get(), "a task ends once");
    }

    @Test
    void theErrorCallbackGetsTheTasksOwnExceptionAndAThrowingCallbackChangesNothing() throws Exception {
        FakeHost host = new FakeHost();
        List<Throwable> errors = new ArrayList<>();
        ApplyJob<Integer> r = new ApplyJob<>(1, host, null, v -> {
            throw new IllegalStateException("never called");
        }, e -> {
            errors.add(e);
            throw new IllegalStateException("a broken error callback");
        });
        r.deliver(0, raised(new java.io.IOException("disk")));
        host.runCallbacks();
        assertInstanceOf(java.io.IOException.class, errors.get(0), "unwrapped, as CPython passes the exception");
        assertTrue(r.ready());
        assertFalse(r.successful());
        ProcessError python = assertThrows(ProcessError.class, r::get);
        assertInstanceOf(java.io.IOException.class, python.getCause());
        ExecutionException jdk = assertThrows(ExecutionException.class, () -> r.get(1, TimeUnit.SECONDS));
        assertInstanceOf(java.io.IOException.class, jdk.getCause());
        ExecutionException viaCf = assertThrows(ExecutionException.class, () -> r.toCompletableFuture().get());
        assertInstanceOf(java.io.IOException.class, viaCf.getCause());
    }

    @Test
    void aWorkersErrorIsWrappedAndNamesTheWorker() {
        OutOfMemoryError oom = new OutOfMemoryError("worker heap");
        ApplyJob<Integer> r = new ApplyJob<>(1, new FakeHost(), null, null, null);
        r.deliver(0, raised(oom));
        ProcessError e = assertThrows(ProcessError.class, r::get);
        assertInstanceOf(OutOfMemoryError.class, e.getCause());
        assertTrue(e.getMessage().contains("pid 1"), e.getMessage());
    }

    @Test
    void cancelOnlyWhatThePoolCanWithdraw() throws Exception {
        FakeHost host = new FakeHost();
        List<Throwable> errors = new ArrayList<>();
        ApplyJob<Integer> running = new ApplyJob<>(1, host, null, null, errors::add);
        assertFalse(running.cancel(true), "sent: not withdrawn");
        assertFalse(running.isCancelled());
        assertFalse(running.isDone());

        host.withdrawable = true;
        ApplyJob<Integer> queued = new ApplyJob<>(2, host, null, null, errors::add);
        assertTrue(queued.cancel(false));
        assertTrue(queued.isCancelled());
        assertTrue(queued.isDone(), "done as soon as cancel returns, callbacks or not");
        assertFalse(queued.cancel(false), "only once");
        host.runCallbacks();
        assertInstanceOf(CancellationException.class, errors.get(0));
        assertThrows(CancellationException.class, queued::get);
        assertThrows(CancellationException.class, () -> queued.get(1, TimeUnit.SECONDS));
        assertTrue(queued.toCompletableFuture().isCancelled());
    }

    @Test
    void aMapWaitsForEveryChunkAndFailsWithTheFirstFailure() {
        FakeHost host = new FakeHost();
        List<Object> calls = new ArrayList<>();
        MapJob<Integer> m = new MapJob<>(1, 3, 5, host, null, calls::add, calls::add);
        IllegalStateException first = new IllegalStateException("chunk 1");
        m.deliver(1, raised(first));
        m.deliver(0, value(new Batch(List.of(0, 1))));
        assertFalse(m.ready());
        m.deliver(2, raised(new IllegalStateException("chunk 2")));
        host.runCallbacks();
        assertEquals(1, calls.size());
        assertEquals("chunk 1", ((Throwable) calls.get(0)).getMessage());
        assertEquals("chunk 1", assertThrows(IllegalStateException.class, m::get).getMessage());

        MapJob<Integer> empty = new MapJob<>(2, 0, 0, host, null, calls::add, null);
        empty.settleIfEmpty();
        host.runCallbacks();
        assertEquals(List.of(), calls.get(1));
        assertSame(empty.get(), empty.get(), "the same list every time");
    }
}
