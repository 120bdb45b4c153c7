package dev.jmp.bench;

import dev.jmp.Connection;
import dev.jmp.EOFError;
import dev.jmp.Semaphore;
import dev.jmp.Task;

/**
 * Partner loops of the Pipe and Semaphore benchmarks, in a class without JMH (a
 * serialized lambda makes the child load the class it was written in).
 */
final class PipeLoops {
    private PipeLoops() {
    }

    /** Echoes byte messages until the parent closes its end. */
    static Task echoBytes(Connection c) {
        return () -> {
            try {
                while (true) {
                    c.sendBytes(c.recvBytes());
                }
            } catch (EOFError done) {
                // The benchmark is over.
            }
        };
    }

    /** Echoes objects until the parent closes its end. */
    static Task echoObjects(Connection c) {
        return () -> {
            try {
                while (true) {
                    c.send(c.recv());
                }
            } catch (EOFError done) {
                // The benchmark is over.
            }
        };
    }

    /** Reads {@code perBatch} messages, then acknowledges on {@code ack}, until EOF. */
    static Task sink(Connection in, Connection ack, int perBatch) {
        return () -> {
            try {
                byte[] one = new byte[1];
                while (true) {
                    for (int i = 0; i < perBatch; i++) {
                        in.recvBytes();
                    }
                    ack.sendBytes(one);
                }
            } catch (EOFError done) {
                // The benchmark is over.
            }
        };
    }

    /** As {@link #sink}, each message received into one reused direct buffer of {@code size} bytes. */
    static Task sinkInto(Connection in, Connection ack, int perBatch, int size) {
        return () -> {
            try {
                byte[] one = new byte[1];
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(size);
                while (true) {
                    for (int i = 0; i < perBatch; i++) {
                        buf.clear();
                        in.recvBytesInto(buf);
                    }
                    ack.sendBytes(one);
                }
            } catch (EOFError done) {
                // The benchmark is over.
            }
        };
    }

    /** Semaphore ping-pong partner: each ping answered by a pong, until {@code stop} says so. */
    static Task pong(Semaphore ping, Semaphore pong, dev.jmp.Event stop) {
        return () -> {
            while (true) {
                ping.acquire();
                if (stop.isSet()) {
                    return;
                }
                pong.release();
            }
        };
    }
}
