package dev.jmp.bench;

import dev.jmp.Event;
import dev.jmp.JoinableQueue;
import dev.jmp.Process;
import dev.jmp.Queue;
import dev.jmp.Semaphore;
import dev.jmp.SimpleQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Queues between two (or eight) processes, the workloads of mp_bench.py's queue rows:
 * small ints ({@link Workloads#QUEUE_BATCH} per batch, put by this JVM and taken by a
 * partner that acknowledges each batch), the same through a SimpleQueue, a
 * JoinableQueue whose partner marks every item done and whose batch ends with
 * {@code join()}, 4 producers and 4 consumers, a round trip through two Queues, and
 * 1 MiB byte[] items ({@link Workloads#BIG_ITEMS} per batch, spilled to /dev/shm).
 * Throughput rows report the time per item ({@code @OperationsPerInvocation}); the
 * report turns it into items per second.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class QueueBench {
    private static final int BATCH = Workloads.QUEUE_BATCH;

    @State(Scope.Benchmark)
    public static class OneToOne {
        @Param({"same", "split"})
        public String placement;

        Queue<Integer> queue;
        SimpleQueue<Integer> simple;
        JoinableQueue<Integer> joinable;
        Semaphore ack;
        Partner partner;

        void stop(Runnable putStop) {
            putStop.run();
            partner.close();
        }
    }

    public static class QueueState extends OneToOne {
        @Setup(Level.Trial)
        public void start() {
            queue = new Queue<>();
            ack = new Semaphore(0);
            partner = Partner.start(placement, QueueLoops.consumer(queue, ack, BATCH));
        }

        @TearDown(Level.Trial)
        public void end() {
            stop(() -> queue.put(QueueLoops.STOP));
        }
    }

    public static class SimpleState extends OneToOne {
        @Setup(Level.Trial)
        public void start() {
            simple = new SimpleQueue<>();
            ack = new Semaphore(0);
            partner = Partner.start(placement, QueueLoops.simpleConsumer(simple, ack, BATCH));
        }

        @TearDown(Level.Trial)
        public void end() {
            stop(() -> simple.put(QueueLoops.STOP));
        }
    }

    public static class JoinableState extends OneToOne {
        @Setup(Level.Trial)
        public void start() {
            joinable = new JoinableQueue<>();
            partner = Partner.start(placement, QueueLoops.joinableConsumer(joinable));
        }

        @TearDown(Level.Trial)
        public void end() {
            stop(() -> joinable.put(QueueLoops.STOP));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void queue1p1c(QueueState s) {
        Queue<Integer> q = s.queue;
        for (int i = 0; i < BATCH; i++) {
            q.put(i);
        }
        s.ack.acquire();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void simpleQueue1p1c(SimpleState s) {
        SimpleQueue<Integer> q = s.simple;
        for (int i = 0; i < BATCH; i++) {
            q.put(i);
        }
        s.ack.acquire();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void joinableQueue1p1c(JoinableState s) {
        JoinableQueue<Integer> q = s.joinable;
        for (int i = 0; i < BATCH; i++) {
            q.put(i);
        }
        q.join();
    }

    // ---- 1 MiB items ---------------------------------------------------------------

    @State(Scope.Benchmark)
    public static class Big {
        @Param({"same", "split"})
        public String placement;

        Queue<byte[]> queue;
        Semaphore ack;
        Partner partner;
        final byte[] item = new byte[Workloads.BIG_ITEM_BYTES];

        @Setup(Level.Trial)
        public void start() {
            java.util.Arrays.fill(item, (byte) 'x');
            queue = new Queue<>();
            ack = new Semaphore(0);
            partner = Partner.start(placement, QueueLoops.bigConsumer(queue, ack, Workloads.BIG_ITEMS));
        }

        @TearDown(Level.Trial)
        public void end() {
            queue.put(new byte[0]);
            partner.close();
        }
    }

    /** 64 put(byte[1 MiB]) taken by the partner, which acknowledges the batch; the score is per item. */
    @Benchmark
    @OperationsPerInvocation(Workloads.BIG_ITEMS)
    public void queue1MiB(Big b) {
        Queue<byte[]> q = b.queue;
        for (int i = 0; i < Workloads.BIG_ITEMS; i++) {
            q.put(b.item);
        }
        b.ack.acquire();
    }

    // ---- round trip ---------------------------------------------------------------

    @State(Scope.Benchmark)
    public static class Echo {
        @Param({"same", "split"})
        public String placement;

        Queue<Integer> down;
        Queue<Integer> up;
        Partner partner;
        int next;

        @Setup(Level.Trial)
        public void start() {
            down = new Queue<>();
            up = new Queue<>();
            partner = Partner.start(placement, QueueLoops.echo(down, up));
        }

        @TearDown(Level.Trial)
        public void end() {
            down.put(QueueLoops.STOP);
            partner.close();
        }
    }

    /** put(int) on one Queue, the partner gets it and puts it on the other, get() it back. */
    @Benchmark
    public Integer queueRtt(Echo e) {
        e.down.put(e.next++ & 0xffff);
        return e.up.get();
    }

    // ---- 4 producers, 4 consumers -------------------------------------------------------

    @State(Scope.Benchmark)
    public static class Many {
        Queue<Integer> queue;
        Semaphore acks;
        Event stop;
        List<Semaphore> gos = new ArrayList<>();
        List<Process> processes = new ArrayList<>();

        @Setup(Level.Trial)
        public void start() {
            queue = new Queue<>();
            acks = new Semaphore(0);
            stop = new Event();
            int share = BATCH / Workloads.PRODUCERS;
            for (int i = 0; i < Workloads.PRODUCERS; i++) {
                Semaphore go = new Semaphore(0);
                gos.add(go);
                processes.add(new Process(QueueLoops.producer(queue, go, stop, share), "bench-producer-" + i));
            }
            for (int i = 0; i < Workloads.CONSUMERS; i++) {
                processes.add(new Process(QueueLoops.batchConsumer(queue, acks), "bench-consumer-" + i));
            }
            for (Process p : processes) {
                p.setDaemon(true);
                p.start();
            }
        }

        @TearDown(Level.Trial)
        public void end() {
            stop.set();
            for (Semaphore go : gos) {
                go.release();
            }
            for (int i = 0; i < Workloads.CONSUMERS; i++) {
                queue.put(QueueLoops.STOP);
            }
            for (Process p : processes) {
                p.join(Duration.ofSeconds(30));
                if (p.exitcode() == null) {
                    p.kill();
                    p.join();
                }
                p.close();
            }
        }
    }

    /** A batch: each producer puts its quarter and an end marker; ends when every marker is taken. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void queue4p4c(Many m) {
        for (Semaphore go : m.gos) {
            go.release();
        }
        for (int i = 0; i < Workloads.PRODUCERS; i++) {
            m.acks.acquire();
        }
    }

    /** Queues made in one iteration; dropped between iterations, when the Cleaner unlinks them. */
    @State(Scope.Thread)
    public static class Made {
        final List<Queue<Object>> queues = new ArrayList<>();

        @TearDown(Level.Iteration)
        public void drop() {
            queues.clear();
            System.gc();
        }
    }

    /**
     * {@code new Queue<>()}: a message queue, its spill directory and a semaphore under
     * fresh names, registered with the resource tracker. Single shots in batches of 20
     * (a user's message-queue quota holds few queues, and the Cleaner only unlinks a
     * dropped one after a GC); the score is per Queue.
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 5, batchSize = 20)
    @Measurement(iterations = 20, batchSize = 20)
    @OperationsPerInvocation(20)
    public void queueCreate(Made m) {
        m.queues.add(new Queue<>());
    }
}
