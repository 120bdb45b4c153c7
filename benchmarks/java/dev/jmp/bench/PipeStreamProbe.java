package dev.jmp.bench;

import dev.jmp.Connection;
import dev.jmp.EOFError;
import dev.jmp.Pipe;
import dev.jmp.Process;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Where the time of a Pipe stream goes, counted rather than timed (benchmarks/README.md,
 * "Big data: Pipe"): the stream of PipeBench.stream1MiB, with the CPU time and the bytes
 * allocated per message of the writing and of the reading thread, which a loaded
 * machine disturbs far less than a wall-clock rate. Not a JMH benchmark; run it under
 * {@code strace -f -c} or {@code perf stat -e context-switches,page-faults} to count
 * system calls and switches too:
 *
 * <pre>
 * taskset -c 0 java -cp target/bench/jmp-*-bench.jar:target/jmp-*.jar:$(cat target/classpath.txt) \
 *     dev.jmp.bench.PipeStreamProbe same|split bytes|heap|direct [size [batches]]
 * </pre>
 *
 * {@code bytes}: the reader calls recvBytes (a new array per message); {@code heap},
 * {@code direct}: recvBytesInto one reused buffer of that kind. Run the JVM pinned to
 * CPU 0 ({@code taskset -c 0}); "split" moves the partner to CPU 1.
 */
public final class PipeStreamProbe {
    private static final int STREAM = Workloads.STREAM_BYTES;
    private static final int WARM_UP = 5;

    private PipeStreamProbe() {
    }

    public static void main(String[] args) {
        String placement = args[0];
        String mode = args[1];
        int size = args.length > 2 ? Integer.parseInt(args[2]) : Workloads.STREAM_LARGE_MESSAGE;
        int batches = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        int per = STREAM / size;
        Pipe data = Pipe.open();
        Pipe ack = Pipe.open(false);
        Connection reader = data.conn2();
        Connection acker = ack.conn2();
        Process p = new Process(() -> sink(reader, acker, per, mode, size));
        p.setDaemon(true);
        p.start();
        Placement.pin(p.pid(), Placement.partnerCpu(placement));
        reader.close();
        acker.close();
        Connection w = data.conn1();
        ack.conn1().recvBytes();
        byte[] msg = new byte[size];
        Arrays.fill(msg, (byte) 'x');
        double[] gbs = new double[batches];
        long a0 = 0;
        long c0 = 0;
        for (int b = -WARM_UP; b < batches; b++) {
            if (b == 0) {
                a0 = allocated();
                c0 = cpu();
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < per; i++) {
                w.sendBytes(msg);
            }
            ack.conn1().recvBytes();
            if (b >= 0) {
                gbs[b] = STREAM / (double) (System.nanoTime() - t0);
            }
        }
        long n = (long) batches * per;
        System.out.printf("writer: %.1f us CPU, %.0f bytes allocated per message%n",
                (cpu() - c0) / 1e3 / n, (allocated() - a0) / (double) n);
        data.close();
        ack.close();
        p.join();
        Arrays.sort(gbs);
        System.out.printf("%s %s %d B: median %.2f GB/s (min %.2f, max %.2f; wall clock, load-sensitive)%n",
                placement, mode, size, gbs[batches / 2], gbs[0], gbs[batches - 1]);
    }

    /** The partner: receives batches of {@code per} messages and acknowledges each batch, until EOF. */
    static void sink(Connection in, Connection ack, int per, String mode, int size) {
        byte[] one = new byte[1];
        ack.sendBytes(one);
        ByteBuffer buf = mode.equals("heap") ? ByteBuffer.allocate(size)
                : mode.equals("direct") ? ByteBuffer.allocateDirect(size) : null;
        long received = 0;
        long a0 = 0;
        long c0 = 0;
        try {
            while (true) {
                if (received == (long) WARM_UP * per) {
                    a0 = allocated();
                    c0 = cpu();
                }
                for (int i = 0; i < per; i++) {
                    if (buf == null) {
                        in.recvBytes();
                    } else {
                        buf.clear();
                        in.recvBytesInto(buf);
                    }
                    received++;
                }
                ack.sendBytes(one);
            }
        } catch (EOFError done) {
            long n = received - (long) WARM_UP * per;
            System.out.printf("reader: %.1f us CPU, %.0f bytes allocated per message%n",
                    (cpu() - c0) / 1e3 / n, (allocated() - a0) / (double) n);
        }
    }

    private static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** Bytes the calling thread has allocated so far (QueueSpillProbe counts with it too). */
    static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
