package dev.jmp.examples;

import dev.jmp.Process;
import dev.jmp.Queue;

/**
 * Chapter 4: what maxsize and close() do. A Queue(2) is full after two puts: a put
 * that may not wait fails with Queue.Full, one that may wait waits until a consumer
 * takes an item. An empty queue's get that may not wait fails with Queue.Empty.
 * After close(), this process can neither put nor get.
 *
 * <p>Python:
 * <pre>
 * q = multiprocessing.Queue(2)
 * q.put(1); q.put(2)
 * q.put_nowait(3)              # queue.Full
 * p = Process(target=take, args=(q, 3)); p.start()
 * q.put(3)                     # waits until the child has taken one
 * p.join()
 * q.get_nowait()               # queue.Empty
 * q.close()
 * q.put(4)                     # ValueError: Queue is closed
 * </pre>
 */
public final class QueueMaxsize {
    private QueueMaxsize() {
    }

    static void take(Queue<Integer> q, int n) {
        for (int i = 0; i < n; i++) {
            System.out.println("child got " + q.get());
        }
    }

    public static void main(String[] args) {
        Queue<Integer> q = new Queue<>(2);
        q.put(1);
        q.put(2);
        System.out.println("qsize " + q.qsize() + ", full " + q.full());
        try {
            q.putNowait(3);
        } catch (Queue.Full e) {
            System.out.println("put_nowait on a full queue: Queue.Full");
        }
        Process p = new Process(() -> take(q, 3));
        p.start();
        q.put(3);                    // waits until the child has taken one
        p.join();
        try {
            q.getNowait();
        } catch (Queue.Empty e) {
            System.out.println("get_nowait on an empty queue: Queue.Empty");
        }
        q.close();
        try {
            q.put(4);
        } catch (IllegalStateException e) {
            System.out.println("put after close: " + e.getMessage());
        }
    }
}
