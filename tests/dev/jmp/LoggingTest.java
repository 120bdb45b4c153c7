package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** CPython's get_logger() and log_to_stderr(): jmp's own loggers, to stderr, at a level. */
class LoggingTest {

    @Test
    void testLogToStderrAndGetLogger() {
        assertEquals("dev.jmp", Multiprocessing.getLogger().getName());
        Multiprocessing.logToStderr(System.Logger.Level.OFF);    // the backend's own set-up, before the swap
        PrintStream saved = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            System.Logger l = Multiprocessing.logToStderr(System.Logger.Level.DEBUG);
            assertEquals("dev.jmp", l.getName());
            // A record of one of jmp's own loggers, below the level the JDK prints by default.
            System.getLogger("dev.jmp.queue").log(System.Logger.Level.DEBUG, "hello {0}", "there");
            Multiprocessing.logToStderr(System.Logger.Level.WARNING);    // again: one handler, a new level
            System.getLogger("dev.jmp.pool").log(System.Logger.Level.INFO, "not shown");
            System.getLogger("dev.jmp.pool").log(System.Logger.Level.WARNING, "shown");
        } finally {
            Multiprocessing.logToStderr(System.Logger.Level.OFF);
            System.setErr(saved);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        String nl = System.lineSeparator();
        assertEquals("[DEBUG/MainProcess] hello there" + nl + "[WARNING/MainProcess] shown" + nl, out);
        assertSame(Multiprocessing.getLogger().getClass(), System.getLogger("dev.jmp").getClass());
    }
}
