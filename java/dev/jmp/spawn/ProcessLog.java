package dev.jmp.spawn;

/**
 * DEBUG events of process lifecycles (spawned, exited with code, terminated), as
 * CPython's {@code util.debug}, on the System.Logger {@code dev.jmp.process}.
 *
 * <p>Why a holder: System.getLogger initializes the platform logging (java.util.logging
 * when present) and costs a child JVM milliseconds at start. Every child runs
 * Process; only children that log should pay.
 */
public final class ProcessLog {
    private ProcessLog() {
    }

    private static final class Holder {
        static final System.Logger LOG = System.getLogger("dev.jmp.process");
    }

    public static void debug(String format, Object... args) {
        System.Logger log = Holder.LOG;
        if (log.isLoggable(System.Logger.Level.DEBUG)) {
            log.log(System.Logger.Level.DEBUG, format, args);
        }
    }
}
