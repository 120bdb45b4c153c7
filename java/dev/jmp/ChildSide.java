package dev.jmp;

import dev.jmp.resource.AtExit;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.function.BooleanSupplier;

/**
 * A Process's life inside its child JVM, Python's {@code BaseProcess._bootstrap}:
 * become the current process, run, report an uncaught exception, wait for non-daemon
 * threads, and end the JVM with the exit code.
 */
final class ChildSide {
    private ChildSide() {
    }

    /** Runs {@code self} in this child JVM; returns its exit code (0, or 1 after an uncaught exception). */
    static int run(Process self, InputStream parentPipe) {
        Process parentView = Process.parentOf(self);
        Multiprocessing.becomeChild(self, parentView);
        System.setIn(InputStream.nullInputStream());    // as Python: a child's stdin is /dev/null
        AtExit.register(AtExit.Phase.STREAMS, new FlushStd());
        AtExit.watchParent(new ParentGone(parentView));
        if (self.daemon()) {
            ParentWatch.start(parentPipe, self.name());
        }
        int code;
        try {
            self.run();
            code = 0;
        } catch (Throwable t) {
            PrintStream err = System.err;
            if (err != null) {
                synchronized (err) {
                    err.println("Process " + self.name() + ":");
                    t.printStackTrace(err);
                }
            }
            code = 1;
        }
        joinNonDaemonThreads();
        flushStd();
        return code;
    }

    /** Ends this JVM with {@code code}. */
    static void exit(int code) {
        flushStd();
        System.exit(code);
    }

    /** For System.exit(n) in the target: output written so far still reaches the parent. */
    private static final class FlushStd implements Runnable {
        @Override
        public void run() {
            flushStd();
        }
    }

    /** For the exit sequence: a feeder stops waiting for room once nobody can read. */
    private static final class ParentGone implements BooleanSupplier {
        private final Process parent;

        ParentGone(Process parent) {
            this.parent = parent;
        }

        @Override
        public boolean getAsBoolean() {
            return !parent.isAlive();
        }
    }

    /** A target may have set System.out or System.err to null: nothing to flush then. */
    private static void flushStd() {
        PrintStream out = System.out;
        if (out != null) {
            out.flush();
        }
        PrintStream err = System.err;
        if (err != null) {
            err.flush();
        }
    }

    /** As Python's threading._shutdown() in a child: the process ends when its threads do. */
    private static void joinNonDaemonThreads() {
        Thread me = Thread.currentThread();
        while (true) {
            Thread other = null;
            for (Thread t : Thread.getAllStackTraces().keySet()) {   // no lambda: a first lambda costs a child time
                if (t != me && !t.isDaemon() && t.isAlive()) {
                    other = t;
                    break;
                }
            }
            if (other == null) {
                return;
            }
            try {
                other.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
