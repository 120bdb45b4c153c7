package dev.jmp;

import java.util.List;

/**
 * Programs that TrackerTest kills: each makes its kernel objects, says "ready" (with
 * the pids the test must see gone) and blocks until it is killed.
 */
public final class CrashProgram {
    private CrashProgram() {
    }

    public static void main(String[] args) throws Exception {
        Multiprocessing.setStartMethod(args[1]);
        switch (args[0]) {
            case "hold" -> hold();
            case "spilling-producer" -> spillingProducer();
            case "queues" -> queues();
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /** A Lock, a Queue with items (one spilled), a SharedMemory and a Pool(2), all alive. */
    private static void hold() {
        Lock lock = new Lock();
        lock.acquire();
        Queue<Object> q = new Queue<>();
        for (int i = 0; i < 5; i++) {
            q.put("item " + i);
        }
        q.put("x".repeat(20_000));
        SharedMemory shm = new SharedMemory(null, true, 1 << 16);
        Pool pool = new Pool(2);
        System.out.println("pool " + pool.apply(() -> 6 * 7));
        KEEP.addAll(List.of(lock, q, shm, pool));
    }

    /** A child puts 8 MiB items into a queue nobody reads: the test kills it mid put. */
    private static void spillingProducer() {
        Queue<Object> q = new Queue<>();
        Process producer = new Process(() -> {
            byte[] big = new byte[8 << 20];
            while (true) {
                q.put(big);
            }
        });
        producer.start();
        System.out.println("producer " + producer.pid());
        KEEP.addAll(List.of(q, producer));
    }

    /** Three queues of the largest kind: a third of an ordinary user's quota. */
    private static void queues() {
        for (int i = 0; i < 3; i++) {
            Queue<Object> q = new Queue<>();
            q.put("held");
            KEEP.add(q);
        }
    }

    private static final List<Object> KEEP = new java.util.ArrayList<>();
}
