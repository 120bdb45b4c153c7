package dev.jmp;

import dev.jmp.resource.Log;
import java.io.PrintStream;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * CPython's {@code get_logger()} and {@code log_to_stderr()}. jmp logs through
 * System.Logger under the {@code dev.jmp} namespace ({@code dev.jmp.pool},
 * {@code dev.jmp.queue}, ...). By default the JDK backs System.Logger with
 * java.util.logging, whose loggers form a tree by name: a handler on {@code dev.jmp}
 * sees every jmp record. With another backend (an SLF4J bridge, say) the program
 * configures that backend instead and log_to_stderr refuses. In a child, asking for
 * the logger is also what turns jmp's DEBUG records on, as in CPython ({@link Log}).
 */
final class Logging {
    static final String NAMESPACE = "dev.jmp";
    /** The JDK's LoggerFinder when java.util.logging backs System.Logger. */
    private static final String JUL_FINDER = "sun.util.logging.internal.LoggingProviderImpl";

    /** Held: java.util.logging keeps its loggers only weakly, and with them their level. */
    private static Logger jul;
    private static Handler handler;

    private Logging() {
    }

    static System.Logger logger() {
        Log.listen();
        return System.getLogger(NAMESPACE);
    }

    static synchronized System.Logger toStderr(System.Logger.Level level) {
        java.util.Objects.requireNonNull(level, "level");
        String finder = System.LoggerFinder.getLoggerFinder().getClass().getName();
        if (!finder.equals(JUL_FINDER)) {
            throw new UnsupportedOperationException("System.Logger is backed by " + finder
                    + ", not java.util.logging: configure the '" + NAMESPACE + "' loggers there");
        }
        if (jul == null) {
            jul = Logger.getLogger(NAMESPACE);
            handler = new StderrHandler();
            jul.addHandler(handler);
            // As CPython's multiprocessing logger (propagate = 0): printed once, by this handler.
            jul.setUseParentHandlers(false);
        }
        java.util.logging.Level l = julLevel(level);
        jul.setLevel(l);
        handler.setLevel(l);
        return logger();
    }

    private static java.util.logging.Level julLevel(System.Logger.Level level) {
        switch (level) {
            case ALL: return java.util.logging.Level.ALL;
            case TRACE: return java.util.logging.Level.FINER;
            case DEBUG: return java.util.logging.Level.FINE;
            case INFO: return java.util.logging.Level.INFO;
            case WARNING: return java.util.logging.Level.WARNING;
            case ERROR: return java.util.logging.Level.SEVERE;
            default: return java.util.logging.Level.OFF;
        }
    }

    /** The System.Logger name of a java.util.logging level, as CPython's levelname. */
    private static String levelName(java.util.logging.Level l) {
        int v = l.intValue();
        if (v >= java.util.logging.Level.SEVERE.intValue()) {
            return "ERROR";
        } else if (v >= java.util.logging.Level.WARNING.intValue()) {
            return "WARNING";
        } else if (v >= java.util.logging.Level.INFO.intValue()) {
            return "INFO";
        } else if (v >= java.util.logging.Level.FINE.intValue()) {
            return "DEBUG";
        }
        return "TRACE";
    }

    /**
     * Writes to System.err as it is at each record (a program may replace it, or set it
     * to null), in CPython's format {@code [LEVEL/processName] message}.
     */
    private static final class StderrHandler extends Handler {
        StderrHandler() {
            setFormatter(new Formatter() {
                @Override
                public String format(LogRecord r) {
                    String line = "[" + levelName(r.getLevel()) + "/" + Multiprocessing.currentProcess().name() + "] "
                            + formatMessage(r) + System.lineSeparator();
                    if (r.getThrown() != null) {
                        java.io.StringWriter trace = new java.io.StringWriter();
                        r.getThrown().printStackTrace(new java.io.PrintWriter(trace));
                        line += trace;
                    }
                    return line;
                }
            });
        }

        @Override
        public void publish(LogRecord r) {
            PrintStream err = System.err;
            if (err != null && isLoggable(r)) {
                err.print(getFormatter().format(r));
                err.flush();
            }
        }

        @Override
        public void flush() {
            PrintStream err = System.err;
            if (err != null) {
                err.flush();
            }
        }

        @Override
        public void close() {
        }
    }
}
