package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.connection.DecodeWorkTest;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The nested-HashSet deserialization bomb through every receive path across real
 * processes: each ends in a ProcessError naming the limit, and the path stays usable.
 */
class DecodeBombTest {
    static Set<Object> bomb() {
        return DecodeWorkTest.bomb(100);
    }

    private static void namesTheLimit(ProcessError e) {
        assertTrue(e.getMessage().contains("jmp.connection.maxUnfoldedPerByte"), e.getMessage());
    }

    @Test
    void pipeAndQueue() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (Pipe p = Pipe.open()) {
                p.conn2().send(bomb());
                namesTheLimit(assertThrows(ProcessError.class, () -> p.conn1().recv()));
                p.conn2().send("after");
                assertEquals("after", p.conn1().recv());
            }
            Queue<Object> q = new Queue<>();
            try {
                q.put(bomb());
                q.put("after");
                namesTheLimit(assertThrows(ProcessError.class, q::get));
                assertEquals("after", q.get());
            } finally {
                q.close();
                q.joinThread();
            }
        });
    }

    @Test
    void poolTasksAndResults() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            try (Pool pool = new Pool(1)) {
                namesTheLimit(assertThrows(ProcessError.class, () -> pool.apply(DecodeBombTest::bomb)));
                Set<Object> b = bomb();
                ProcessError inWorker = assertThrows(ProcessError.class, () -> pool.apply(() -> b.size()));
                assertTrue(inWorker.toString().contains("maxUnfoldedPerByte"), inWorker.toString());
                assertEquals("fine", pool.apply(() -> "fine"));
            }
        });
    }
}
