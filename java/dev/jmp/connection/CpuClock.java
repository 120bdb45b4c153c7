package dev.jmp.connection;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The calling thread's CPU time, for {@link DecodeWork}'s budget. A holder of its own:
 * the management classes load only when a decode has run long enough to ask.
 */
final class CpuClock {
    private CpuClock() {
    }

    private static final ThreadMXBean THREADS = threads();

    private static ThreadMXBean threads() {
        try {
            ThreadMXBean t = ManagementFactory.getThreadMXBean();
            return t.isCurrentThreadCpuTimeSupported() ? t : null;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Nanoseconds of CPU this thread has used, or -1 if the JVM cannot tell. */
    static long threadNanos() {
        return THREADS != null ? THREADS.getCurrentThreadCpuTime() : -1;
    }
}
