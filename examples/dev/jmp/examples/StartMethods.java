package dev.jmp.examples;

import dev.jmp.Multiprocessing;
import dev.jmp.Process;
import dev.jmp.Queue;

/**
 * Chapter 8: what a start costs under each start method. Three starts with "spawn"
 * (a new JVM each time), then three with "warm" (a JVM booted ahead of time takes
 * the Process). The child puts System.nanoTime() on a Queue as its first act; the
 * clock is CLOCK_MONOTONIC, the same in every process, so the parent can subtract.
 *
 * <p>Python:
 * <pre>
 * for method in ['spawn', 'forkserver']:
 *     ctx = multiprocessing.get_context(method)
 *     q = ctx.Queue()
 *     t0 = time.monotonic()
 *     p = ctx.Process(target=first_line, args=(q,)); p.start()
 *     print(method, (q.get() - t0) * 1000, 'ms')
 *     p.join()
 * </pre>
 */
public final class StartMethods {
    private StartMethods() {
    }

    static void firstLine(Queue<Long> q) {
        q.put(System.nanoTime());
    }

    public static void main(String[] args) {
        System.out.println("start methods: " + Multiprocessing.getAllStartMethods());
        Queue<Long> q = new Queue<>();
        for (String method : new String[] {"spawn", "warm"}) {
            Multiprocessing.setStartMethod(method);
            for (int round = 1; round <= 3; round++) {
                long t0 = System.nanoTime();
                Process p = new Process(() -> firstLine(q));
                p.start();
                long firstLine = q.get();
                p.join();
                System.out.printf("%s round %d: first line after %.1f ms%n", method, round, (firstLine - t0) / 1e6);
            }
        }
    }
}
