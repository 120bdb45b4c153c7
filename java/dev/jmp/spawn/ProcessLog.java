package dev.jmp.spawn;

import dev.jmp.resource.Log;

/**
 * DEBUG events of process lifecycles (spawned, exited with code, terminated), as
 * CPython's {@code util.debug}, on the System.Logger {@code dev.jmp.process}; free in a
 * child nobody listens to ({@link Log}).
 */
public final class ProcessLog {
    private ProcessLog() {
    }

    private static final Log LOG = new Log("dev.jmp.process");

    public static void debug(String format, Object... args) {
        LOG.log(System.Logger.Level.DEBUG, format, args);
    }
}
