package dev.jmp.examples;

import dev.jmp.Multiprocessing;
import dev.jmp.Pool;

/**
 * Chapter 8, exercise: how long from new Pool(2) to its first result, with "spawn"
 * and with "warm"? One spawned pool, then two warm ones: the first may find no child booted yet.
 */
public final class WarmPool {
    private WarmPool() {
    }

    public static void main(String[] args) {
        for (String method : new String[] {"spawn", "warm"}) {
            Multiprocessing.setStartMethod(method);
            for (int round = 1; round <= (method.equals("warm") ? 2 : 1); round++) {
                long t0 = System.nanoTime();
                try (Pool pool = new Pool(2)) {
                    int answer = pool.apply(() -> 6 * 7);
                    System.out.printf("%s round %d: first result %d after %.1f ms%n", method, round, answer,
                            (System.nanoTime() - t0) / 1e6);
                }
            }
        }
    }
}
