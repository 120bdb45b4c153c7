package dev.jmp;

import dev.jmp.posix.Posix;
import dev.jmp.resource.AtExit;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.function.BooleanSupplier;

/**
 * A Process's life inside its child JVM, Python's {@code BaseProcess._bootstrap}:
 * become the current process, run, report an uncaught exception, wait for non-daemon
 * threads, and end the JVM with the exit code.
 *
 * <h2>How a child ends: as CPython's, with {@code os._exit}</h2>
 * After the target, CPython's child runs multiprocessing's own finalizers, flushes
 * stdio and calls {@code os._exit(code)}: the program's exit handlers ({@code atexit})
 * are the parent program's business, not the child's. A JVM's orderly shutdown runs
 * every shutdown hook the program (or a library it loaded) registered, and costs a
 * child time between its target's end and its parent's join(). So here, after the
 * target: the non-daemon threads are joined (as {@code threading._shutdown}), jmp's
 * exit sequence runs ({@link AtExit}: the child's own children, its queue feeders
 * flushed, its names unlinked, System.out and System.err flushed), and the process
 * ends with the code: {@code _exit} when the native layer is loaded (see
 * {@link #exit}), else {@link Runtime#halt}. No shutdown hook runs either way.
 * {@code -Djmp.childShutdownHooks=true} ends it with System.exit instead, for
 * programs whose children need their hooks.
 *
 * <p>A target that calls {@code System.exit(n)} gets the JVM's ordinary shutdown with
 * code n, hooks included: Java has no way to keep n and skip the other hooks. jmp's
 * exit sequence is then one of those hooks, so what the child printed or queued still
 * goes out. A daemon child whose parent is gone ends like a finished one, with code 1
 * ({@link ParentWatch}). Exit codes are those of spawn: 0, 1 after an uncaught
 * exception (with its trace), n after System.exit(n), -N after signal N.
 */
final class ChildSide {
    private ChildSide() {
    }

    /** {@code jmp.childShutdownHooks}: end a child with System.exit, running the program's hooks. */
    private static final boolean SHUTDOWN_HOOKS = Boolean.getBoolean("jmp.childShutdownHooks");

    /**
     * True in a daemon child: its {@link ParentWatch} thread blocks in a native read for
     * the child's whole life. Kept here so that a child that is not a daemon never loads
     * ParentWatch, on its way out either.
     */
    private static volatile boolean watchingParent;

    /** Runs {@code self} in this child JVM; returns its exit code (0, or 1 after an uncaught exception). */
    static int run(Process self, InputStream parentPipe) {
        Process parentView = Process.parentOf(self);
        Multiprocessing.becomeChild(self, parentView);
        System.setIn(InputStream.nullInputStream());    // as Python: a child's stdin is /dev/null
        AtExit.register(AtExit.Phase.STREAMS, new FlushStd());
        AtExit.watchParent(new ParentGone(parentView));
        if (self.daemon()) {
            watchingParent = true;
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

    /**
     * Ends this JVM with {@code code}: jmp's exit sequence, then {@code _exit} (see the
     * class comment).
     *
     * <p>Why {@code _exit} and not {@link Runtime#halt}: a halt is still the JVM's exit
     * operation, which waits at a safepoint for every thread in native code to return,
     * polling on JDK 17 (a compiler thread still compiling, as it often is in a young
     * JVM), and longest for an application thread blocked in a native read (a daemon
     * child's parent watch is one, always; the README's start-up section has the times). {@code _exit} ends the
     * process as CPython's {@code os._exit} does. It is used when the native layer is
     * loaded already, or in a daemon child, which would otherwise wait the longest;
     * a child that never loaded it halts rather than pay for loading it.
     */
    static void exit(int code) {
        AtExit.run();
        flushStd();     // also when the Process could not even be read, and nothing was registered
        if (SHUTDOWN_HOOKS) {
            System.exit(code);
        }
        if (shuttingDown()) {
            // Another thread called System.exit (a manager's server does, at SHUTDOWN): its
            // shutdown hooks are running, and that exit ends the JVM with its own code.
            // Cutting it short would lose what the hooks still had to do.
            awaitShutdown();
        }
        if (Posix.loaded() || watchingParent) {
            try {
                Posix.libc()._exit(code);
            } catch (RuntimeException | LinkageError e) {
                // No native layer after all: the JVM's own way out.
            }
        }
        Runtime.getRuntime().halt(code);
    }

    /** True while the JVM runs its shutdown hooks: a hook can no longer be added then. */
    private static boolean shuttingDown() {
        Thread probe = new Thread();
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException inProgress) {
            return true;
        }
    }

    /** Until the System.exit under way ends the JVM. */
    private static void awaitShutdown() {
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // Nothing to do but wait for the end.
            }
        }
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
        Thread other;
        while ((other = otherNonDaemonThread()) != null) {
            try {
                other.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A live thread other than this one that is not a daemon, or null. */
    private static Thread otherNonDaemonThread() {
        Thread me = Thread.currentThread();
        ThreadGroup root = me.getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        // Not Thread.getAllStackTraces(): that stops every thread at a safepoint to
        // take stacks nobody reads. No lambda: a first lambda costs a child time.
        Thread[] all = new Thread[root.activeCount() + 8];
        int n = root.enumerate(all, true);
        for (int i = 0; i < n; i++) {
            Thread t = all[i];
            if (t != me && !t.isDaemon() && t.isAlive()) {
                return t;
            }
        }
        return null;
    }

    /**
     * For an idle warm child: walks, once, what {@link #run} and {@link #exit} do around
     * the target that no target's code does (the parent's view, the exit sequence's
     * hook and first step, the standard streams' flush, the look for other threads, the
     * shutdown probe), so that a warm child's first line and its exit do not wait for
     * those classes to be loaded and initialized. It registers no step and starts no
     * thread: the hook it installs is the one {@link #run} would install, and runs
     * only at System.exit.
     */
    static void prepare() {
        AtExit.installHook();
        new ParentGone(new ParentProcess("warm-up", 0));
        new FlushStd().run();
        otherNonDaemonThread();
        shuttingDown();
    }
}
