package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.sync.SharedInts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Heavy cases (make stress): a bounded buffer over one Condition shared by a producer
 * and consuming children, with short timeouts racing the signals, so that the
 * sleeping/woken accounting is exercised with waiters that leave by timeout.
 */
@Tag("stress")
class SyncStressTest {
    private static final int ITEMS = 5000;
    private static final int CAPACITY = 4;
    private static final int COUNT = 0;
    private static final int CONSUMED = 1;

    static void consumer(Condition c, SharedInts s) {
        c.acquire();
        try {
            while (true) {
                while (s.get(COUNT) == 0 && s.get(CONSUMED) < ITEMS) {
                    c.await(Duration.ofMillis(2));
                }
                if (s.get(CONSUMED) >= ITEMS) {
                    c.signalAll();
                    return;
                }
                s.set(COUNT, s.get(COUNT) - 1);
                s.set(CONSUMED, s.get(CONSUMED) + 1);
                c.signal();
            }
        } finally {
            c.release();
        }
    }

    @Test
    void boundedBufferOverOneCondition() {
        Condition c = new Condition();
        SharedInts s = SharedInts.create(2);
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Process p = new Process(() -> consumer(c, s));
            p.start();
            ps.add(p);
        }
        for (int i = 0; i < ITEMS; i++) {
            c.acquire();
            try {
                assertTrue(c.awaitFor(() -> s.get(COUNT) < CAPACITY, Duration.ofSeconds(30)));
                s.set(COUNT, s.get(COUNT) + 1);
                c.signal(i % 3 == 0 ? 2 : 1);
            } finally {
                c.release();
            }
        }
        for (Process p : ps) {
            p.join(Duration.ofSeconds(60));
            assertEquals(0, p.exitcode());
        }
        assertEquals(ITEMS, s.get(CONSUMED));
        assertEquals(0, s.get(COUNT));
    }
}
