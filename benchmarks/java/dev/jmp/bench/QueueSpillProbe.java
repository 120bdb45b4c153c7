package dev.jmp.bench;

import dev.jmp.Process;
import dev.jmp.Queue;
import dev.jmp.Semaphore;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Where the time of a spilled Queue item goes, counted rather than timed (benchmarks/README.md,
 * "Big data: Queue and Pool"): the stream of QueueBench.queue1MiB (batches of 1 MiB
 * {@code byte[]} items to a consumer process, which acknowledges each batch), with the CPU
 * time (the whole process: feeder, garbage collector and compiler included) and the bytes
 * allocated per item on each side, which a loaded machine disturbs far less than a
 * wall-clock rate. Not a JMH benchmark; run it under {@code strace -f -c} or
 * {@code perf stat -e page-faults} to count system calls and faults too:
 *
 * <pre>
 * taskset -c 0 java -cp target/bench/jmp-*-bench.jar:target/jmp-*.jar:$(cat target/classpath.txt) \
 *     dev.jmp.bench.QueueSpillProbe same|split [batches]
 * </pre>
 */
public final class QueueSpillProbe {
    private static final int PER = Workloads.BIG_ITEMS;
    private static final int WARM_UP = 5;

    private QueueSpillProbe() {
    }

    public static void main(String[] args) {
        String placement = args[0];
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Queue<byte[]> q = new Queue<>();
        Semaphore ack = new Semaphore(0);
        Process p = new Process(() -> sink(q, ack));
        p.setDaemon(true);
        p.start();
        Placement.pin(p.pid(), Placement.partnerCpu(placement));
        byte[] item = new byte[Workloads.BIG_ITEM_BYTES];
        Arrays.fill(item, (byte) 'x');
        double[] gbs = new double[batches];
        long a0 = 0;
        long c0 = 0;
        for (int b = -WARM_UP; b < batches; b++) {
            if (b == 0) {
                a0 = PipeStreamProbe.allocated();
                c0 = processCpu();
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < PER; i++) {
                q.put(item);
            }
            ack.acquire();
            if (b >= 0) {
                gbs[b] = (double) PER * item.length / (System.nanoTime() - t0);
            }
        }
        long n = (long) batches * PER;
        System.out.printf("producer: %.1f us process CPU, %.0f bytes allocated (putting thread) per item%n",
                (processCpu() - c0) / 1e3 / n, (PipeStreamProbe.allocated() - a0) / (double) n);
        q.put(new byte[0]);
        p.join();
        Arrays.sort(gbs);
        System.out.printf("%s: median %.2f GB/s (min %.2f, max %.2f; wall clock, load-sensitive)%n",
                placement, gbs[batches / 2], gbs[0], gbs[batches - 1]);
    }

    /** The consumer: takes batches of items and acknowledges each, until an empty item. */
    static void sink(Queue<byte[]> q, Semaphore ack) {
        long received = 0;
        long a0 = 0;
        long c0 = 0;
        while (true) {
            if (received == (long) WARM_UP * PER) {
                a0 = PipeStreamProbe.allocated();
                c0 = processCpu();
            }
            for (int i = 0; i < PER; i++) {
                if (q.get().length == 0) {
                    long n = received - (long) WARM_UP * PER;
                    System.out.printf("consumer: %.1f us process CPU, %.0f bytes allocated per item%n",
                            (processCpu() - c0) / 1e3 / n, (PipeStreamProbe.allocated() - a0) / (double) n);
                    return;
                }
                received++;
            }
            ack.release();
        }
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
