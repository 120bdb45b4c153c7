package dev.jmp.pool;

import dev.jmp.blocking.Interrupts;
import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The pool's {@code jmp-pool-workers-N} thread: polls the sentinels of the live
 * workers and reports each one that becomes readable (the worker has exited) exactly
 * once, and lets the pool start waiting workers every slice: CPython's
 * {@code _handle_workers} without its polling of exit codes.
 *
 * <p>The set is read again every slice ({@link Interrupts#SLICE_MILLIS}), so a new
 * worker is watched within one slice; one that died in the meantime still has a
 * readable sentinel then. A worker is reported only after it has left the set, and its
 * Process (whose sentinel fd this thread polls) is closed only after the report has
 * been handled: an fd is never closed, and maybe reused, under this thread's poll.
 */
final class Watcher implements Runnable {
    /** A worker to watch: its id and its sentinel fd. */
    record Watched(long id, int sentinel) {
    }

    private final Supplier<List<Watched>> live;
    private final Consumer<Watched> exited;
    private final Runnable maintain;
    private volatile boolean stop;

    /**
     * {@code live}: the workers whose exit has not been reported; {@code exited}: must
     * remove the worker from that set before it returns; {@code maintain}: run every
     * slice, before the set is read (the pool starts workers that waited for their turn).
     */
    Watcher(Supplier<List<Watched>> live, Consumer<Watched> exited, Runnable maintain) {
        this.live = live;
        this.exited = exited;
        this.maintain = maintain;
    }

    void stop() {
        stop = true;
    }

    @Override
    public void run() {
        Posix posix = Posix.libc();
        while (!stop) {
            maintain.run();
            List<Watched> watched = live.get();
            int n = watched.size();
            if (n == 0) {
                try {
                    Thread.sleep(Interrupts.SLICE_MILLIS);  // nothing to poll; a timer, not a synchronization
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            int[] fds = new int[n];
            short[] events = new short[n];
            short[] revents = new short[n];
            for (int i = 0; i < n; i++) {
                fds[i] = watched.get(i).sentinel();
                events[i] = Linux.POLLIN;
            }
            if (posix.poll(fds, events, revents, Interrupts.SLICE_MILLIS) <= 0) {
                continue;   // timeout, or EINTR
            }
            for (int i = 0; i < n; i++) {
                if (revents[i] != 0) {
                    exited.accept(watched.get(i));
                }
            }
        }
    }
}
