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
        Thread t = new Thread(() -> {
            try {
                while (parentPipe.read() != -1) {
                    // The parent never writes after the payload; ignore anything that comes.
                }
            } catch (IOException e) {
                // A broken pipe means the same: the parent is gone.
            }
            dev.jmp.spawn.ProcessLog.debug("daemon {0}: parent exited, exiting too", name);
            System.exit(1);
        }, "jmp-parent-watch-" + name);
        t.setDaemon(true);
        t.start();
    }
}
