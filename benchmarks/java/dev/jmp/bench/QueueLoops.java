package dev.jmp.bench;

import dev.jmp.Event;
import dev.jmp.JoinableQueue;
import dev.jmp.Queue;
import dev.jmp.Semaphore;
import dev.jmp.SimpleQueue;
import dev.jmp.Task;

/**
 * The partner loops of QueueBench, in a class without JMH (see {@link ChildTargets}):
 * the same work as mp_bench.py's queue_consumer, queue_echo, producer and consumer.
 */
final class QueueLoops {
    private QueueLoops() {
    }

    /** Ends a partner loop; never a measured item (those are 0..batch-1). */
    static final int STOP = -1;
    /** Ends one producer's batch in the 4P->4C row. */
    static final int END_OF_BATCH = -2;

    /** Takes a batch, acknowledges it, until STOP. */
    static Task consumer(Queue<Integer> q, Semaphore ack, int batch) {
        return () -> {
            while (true) {
                for (int i = 0; i < batch; i++) {
                    if (q.get() == STOP) {
                        return;
                    }
                }
                ack.release();
            }
        };
    }

    static Task simpleConsumer(SimpleQueue<Integer> q, Semaphore ack, int batch) {
        return () -> {
            while (true) {
                for (int i = 0; i < batch; i++) {
                    if (q.get() == STOP) {
                        return;
                    }
                }
                ack.release();
            }
        };
    }

    /** Takes and marks done every item (the producer's join() ends the batch), until STOP. */
    static Task joinableConsumer(JoinableQueue<Integer> q) {
        return () -> {
            while (true) {
                int item = q.get();
                q.taskDone();
                if (item == STOP) {
                    return;
                }
            }
        };
    }

    /** Puts back what it gets, until STOP. */
    static Task echo(Queue<Integer> down, Queue<Integer> up) {
        return () -> {
            while (true) {
                Integer item = down.get();
                if (item == STOP) {
                    return;
                }
                up.put(item);
            }
        };
    }

    /** Per go: puts its share of a batch and an end marker; until stop is set. */
    static Task producer(Queue<Integer> q, Semaphore go, Event stop, int share) {
        return () -> {
            while (true) {
                go.acquire();
                if (stop.isSet()) {
                    return;
                }
                for (int i = 0; i < share; i++) {
                    q.put(i);
                }
                q.put(END_OF_BATCH);
            }
        };
    }

    /** Takes until STOP; acknowledges each end marker. */
    static Task batchConsumer(Queue<Integer> q, Semaphore acks) {
        return () -> {
            while (true) {
                int item = q.get();
                if (item == STOP) {
                    return;
                }
                if (item == END_OF_BATCH) {
                    acks.release();
                }
            }
        };
    }

    /** Takes big byte[] items, acknowledges each batch, until an empty item. */
    static Task bigConsumer(Queue<byte[]> q, Semaphore ack, int batch) {
        return () -> {
            while (true) {
                for (int i = 0; i < batch; i++) {
                    if (q.get().length == 0) {
                        return;
                    }
                }
                ack.release();
            }
        };
    }
}
