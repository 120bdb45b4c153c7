package dev.jmp;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicReference;

/**
 * In a daemon child: ends the child when its parent is gone, however the parent ended.
 *
 * <p>Python leaves a daemon running when its parent is killed with SIGKILL (only a
 * normal exit terminates daemons). jmp closes that trap: the parent keeps the write
 * end of the payload pipe open for the child's whole life and never writes to it, so
 * the end of file that this thread reads means the parent has exited, by any means.
 * Pure Java on purpose: no native binding is loaded for it.
 */
final class ParentWatch {
    private ParentWatch() {
    }

    /** A watch thread started ahead of time by an idle warm child, waiting to be armed. */
    private static final AtomicReference<Watch> PRESTARTED = new AtomicReference<>();

    /**
     * In an idle warm child: starts the thread now, parked until {@link #start} arms it.
     * Why: starting a thread waits until the new thread runs, which on a busy machine
     * (the parent and two workers sharing two CPUs) held a warm pool worker on the way
     * to its first task. A child whose Process is not a daemon leaves it
     * parked; it is a daemon thread and holds nothing.
     */
    static void prestart() {
        Watch w = new Watch();
        w.start();
        PRESTARTED.set(w);
    }

    static void start(InputStream parentPipe, String name) {
        Watch w = PRESTARTED.getAndSet(null);
        if (w == null) {
            w = new Watch();
            w.start();
        }
        w.arm(parentPipe, name);
    }

    /** A named class, not a lambda: every child daemon runs this, and a young JVM's first lambda is dear to link. */
    private static final class Watch extends Thread {
        private InputStream parentPipe;   // guarded by this; null until armed
        private String processName;       // guarded by this

        Watch() {
            super("jmp-parent-watch");
            setDaemon(true);
        }

        synchronized void arm(InputStream pipe, String name) {
            parentPipe = pipe;
            processName = name;
            setName("jmp-parent-watch-" + name);
            notifyAll();
        }

        @Override
        public void run() {
            InputStream pipe;
            String name;
            synchronized (this) {
                while (parentPipe == null) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                pipe = parentPipe;
                name = processName;
            }
            try {
                while (pipe.read() != -1) {
                    // The parent never writes after the payload; ignore anything that comes.
                }
            } catch (IOException e) {
                // A broken pipe means the same: the parent is gone.
            }
            dev.jmp.spawn.ProcessLog.debug("daemon {0}: parent exited, exiting too", name);
            ChildSide.exit(1);
        }
    }
}
