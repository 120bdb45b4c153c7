package dev.jmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmp.posix.Linux;
import dev.jmp.posix.Posix;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Workers SIGKILLed at random while a long imap and many applies run: every task
 * either returns its right result or fails with a ProcessError naming a worker; no
 * call hangs, and the pool serves normally afterwards. Then nothing is left.
 */
@Tag("stress")
class PoolStressTest {

    static int slowSquare(int x) throws InterruptedException {
        Thread.sleep(x % 7);
        return x * x;
    }

    @Test
    void randomKillsNeverHangOrLoseResults() throws Exception {
        List<Integer> pids;
        List<String> names;
        try (Pool pool = new Pool(3)) {
            names = pool.kernelNames();
            AtomicBoolean stop = new AtomicBoolean();
            Thread killer = new Thread(() -> {
                Random r = new Random(42);
                while (!stop.get()) {
                    try {
                        Thread.sleep(150 + r.nextInt(200));   // a pace, not a synchronization
                    } catch (InterruptedException e) {
                        return;
                    }
                    List<Integer> live = pool.workerPids();
                    if (!live.isEmpty()) {
                        try {
                            Posix.libc().kill(live.get(r.nextInt(live.size())), Linux.SIGKILL);
                        } catch (PosixException gone) {
                            // exited meanwhile
                        }
                    }
                }
            }, "pool-stress-killer");
            killer.start();
            int n = 3000;
            Iterator<Integer> it = pool.imap(PoolStressTest::slowSquare,
                    IntStream.range(0, n).boxed().collect(Collectors.toList()), 5);
            int ok = 0;
            int failed = 0;
            for (int i = 0; i < n; i++) {
                try {
                    assertEquals(i * i, it.next());
                    ok++;
                } catch (ProcessError e) {
                    assertTrue(e.getMessage().contains("PoolWorker-"), e.getMessage());
                    failed++;
                }
            }
            stop.set(true);
            killer.join();
            assertTrue(ok > n / 2, ok + " ok, " + failed + " failed");
            assertEquals(List.of(1, 4, 9), pool.map(x -> x * x, List.of(1, 2, 3)));
            pids = pool.workerPids();
        }
        PoolTest.assertGone(pids, names);
    }
}
