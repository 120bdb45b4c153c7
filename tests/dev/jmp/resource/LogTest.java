package dev.jmp.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** In a child, jmp's DEBUG records wait for someone to listen; other levels never wait. */
class LogTest {
    @Test
    void aQuietChildDropsDebugUntilItsProgramListens() {
        String name = "dev.jmp.test.logtest";
        Logger jul = Logger.getLogger(name);
        List<String> seen = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                seen.add(r.getLevel() + " " + r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(h);
        jul.setLevel(Level.ALL);
        jul.setUseParentHandlers(false);
        Log log = new Log(name);
        try {
            Log.quietInChild();     // jmp.debug is not set in the test JVM
            log.log(System.Logger.Level.DEBUG, "dropped {0}", 1);
            log.log(System.Logger.Level.TRACE, "dropped too");
            log.log(System.Logger.Level.WARNING, "kept", new IllegalStateException());
            Log.listen();
            log.log(System.Logger.Level.DEBUG, "heard {0}", 2);
            assertEquals(List.of("WARNING kept", "FINE heard {0}"), seen);
        } finally {
            Log.listen();
            jul.removeHandler(h);
        }
    }
}
