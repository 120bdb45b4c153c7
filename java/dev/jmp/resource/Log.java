package dev.jmp.resource;

import java.lang.System.Logger.Level;

/**
 * One of jmp's loggers ({@code dev.jmp.queue}, {@code dev.jmp.pool}, ...), found on
 * its first record; and CPython's {@code util.debug}: in a child, DEBUG records cost
 * nothing until someone listens.
 *
 * <h2>Why not a System.Logger in a static field</h2>
 * {@code System.getLogger}, called from a class that is not the JDK's own, starts the
 * platform's logging then and there: the JDK looks for a {@code System.LoggerFinder}
 * service in every jar of the classpath and configures java.util.logging, tens of
 * milliseconds in a young JVM. A class that held its logger in a static field made
 * every child that loaded it pay that: a spawned pool worker opens its message queues
 * before its first task, so a spawned Pool waited that long for its first result,
 * for records nobody had asked to see. Here the System.Logger is looked up when a
 * record is actually written.
 *
 * <h2>DEBUG in a child</h2>
 * CPython's {@code util.debug} does nothing until {@code get_logger()} or
 * {@code log_to_stderr()} made multiprocessing's logger, and a child starts without
 * one. So: a main process writes its DEBUG records as any program does (System.Logger
 * decides). A child drops its DEBUG and TRACE records ({@link #quietInChild}) until
 * its program asks for jmp's logger ({@code Multiprocessing.getLogger()} or
 * {@code logToStderr()}, which call {@link #listen}), or unless
 * {@code -Djmp.debug=true}, which a parent passes on like every {@code jmp.*}
 * property. INFO, WARNING and ERROR records always go to System.Logger.
 */
public final class Log {
    /** True in a child until someone listens: DEBUG and TRACE records are dropped unseen. */
    private static volatile boolean quiet;

    private final String name;
    private volatile System.Logger logger;  // null until the first record written

    public Log(String name) {
        this.name = name;
    }

    /** Called once by a child JVM's main, before anything of jmp logs. */
    public static void quietInChild() {
        quiet = !Boolean.getBoolean("jmp.debug");
    }

    /** The program asked for jmp's logger: its DEBUG records go to System.Logger from now on. */
    public static void listen() {
        quiet = false;
    }

    /** As {@link System.Logger#log(Level, String, Throwable)}. */
    public void log(Level level, String msg, Throwable thrown) {
        if (!dropped(level)) {
            logger().log(level, msg, thrown);
        }
    }

    /** As {@link System.Logger#log(Level, String, Object...)}: {@code format} in MessageFormat's syntax. */
    public void log(Level level, String format, Object... params) {
        if (!dropped(level)) {
            logger().log(level, format, params);
        }
    }

    private static boolean dropped(Level level) {
        return quiet && level.getSeverity() <= Level.DEBUG.getSeverity();
    }

    private System.Logger logger() {
        System.Logger l = logger;
        if (l == null) {
            l = System.getLogger(name);
            logger = l;     // a race makes two lookups of the same logger: harmless
        }
        return l;
    }
}
