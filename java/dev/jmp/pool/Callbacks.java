package dev.jmp.pool;

import dev.jmp.resource.Log;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The pool's callback thread: runs the callbacks of applyAsync and mapAsync (and
 * completes their CompletableFutures) one at a time, in the order their results were
 * settled. CPython runs them on its result-handler thread; here the result thread
 * holds the pool's lock while it settles a result, and a callback may call the pool,
 * so they get a thread of their own. One thread, as in CPython: a callback sees the
 * effects of the callbacks before it, and a slow callback delays the later ones (not
 * the results). Started at the first callback; a pool that never uses one never has it.
 *
 * <p>Whatever a callback throws has been caught before it gets here ({@link Result});
 * what escapes anyway is logged, and the thread goes on.
 */
final class Callbacks {
    private static final Log LOG = new Log("dev.jmp.pool");

    /** How long shutdown waits for queued callbacks before leaving them to finish alone. */
    private static final long DRAIN_SECONDS = 60;

    private final ThreadPoolExecutor executor;
    private volatile Thread thread;

    Callbacks(String name) {
        executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            thread = t;
            return t;
        });
    }

    /** Runs {@code r} after the callbacks already queued; in the calling thread once shut down. */
    void run(Runnable r) {
        Runnable guarded = () -> {
            try {
                r.run();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "pool callback", t);
            }
        };
        try {
            executor.execute(guarded);
        } catch (RejectedExecutionException e) {
            guarded.run();
        }
    }

    /**
     * No more callbacks; waits for the queued ones to run (as CPython's join waits for
     * its result handler), unless called from a callback itself.
     */
    void shutdown() {
        executor.shutdown();
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            if (!executor.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "pool callbacks still running after the pool shut down");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
