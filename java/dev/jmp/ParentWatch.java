package dev.jmp;

import java.io.IOException;
import java.io.InputStream;

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

    static void start(InputStream parentPipe, String name) {
        new Watch(parentPipe, name).start();
    }

    /** A named class, not a lambda: every child daemon runs this, and a new lambda costs it ~1 ms to link. */
    private static final class Watch extends Thread {
        private final InputStream parentPipe;
        private final String processName;

        Watch(InputStream parentPipe, String processName) {
            super("jmp-parent-watch-" + processName);
            this.parentPipe = parentPipe;
            this.processName = processName;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (parentPipe.read() != -1) {
                    // The parent never writes after the payload; ignore anything that comes.
                }
            } catch (IOException e) {
                // A broken pipe means the same: the parent is gone.
            }
            dev.jmp.spawn.ProcessLog.debug("daemon {0}: parent exited, exiting too", processName);
            System.exit(1);
        }
    }
}
