package dev.jmp.bench;

import java.nio.ByteBuffer;

/**
 * What a new 1 MiB array costs the JVM that receives it, beside the copy into it: the
 * floor under every row whose API returns a new array per message or item
 * ({@code Connection.recvBytes()}, {@code Queue.get()}), which C (reading into one
 * buffer) and the reused-buffer rows do not pay (benchmarks/README.md, "Big data").
 * The JVM zeroes a new array before anyone can see it, in memory the cache has not
 * seen since the young generation last wrapped around; the JDK offers no
 * uninitialized array outside {@code jdk.internal.misc}. Not a JMH benchmark: three
 * loops in one JVM, each over 16 MiB of source so the copies come from memory as a
 * receiver's do.
 *
 * <pre>
 * java -cp target/bench/jmp-*-bench.jar:target/jmp-*.jar dev.jmp.bench.FreshArrayProbe [rounds]
 * </pre>
 */
public final class FreshArrayProbe {
    private static final int MIB = 1 << 20;
    private static final int RING = 16;
    private static final int N = 2000;
    private static volatile Object sink;

    private FreshArrayProbe() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        ByteBuffer ring = ByteBuffer.allocateDirect(RING * MIB);
        byte[] reused = new byte[MIB];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < N; i++) {
                byte[] b = new byte[MIB];
                b[i & (MIB - 1)] = 1;
                sink = b;
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < N; i++) {
                byte[] b = new byte[MIB];
                ring.get((i % RING) * MIB, b, 0, MIB);
                sink = b;
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < N; i++) {
                ring.get((i % RING) * MIB, reused, 0, MIB);
                sink = reused;
            }
            long t3 = System.nanoTime();
            System.out.printf("per MiB: new array %.1f us; new array + copy into it %.1f us; copy into one reused"
                    + " array %.1f us%n", (t1 - t0) / 1e3 / N, (t2 - t1) / 1e3 / N, (t3 - t2) / 1e3 / N);
        }
    }
}
