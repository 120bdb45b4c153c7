package dev.jmp.pool;

import dev.jmp.ProcessError;
import dev.jmp.blocking.Deadline;
import dev.jmp.queue.Items;
import dev.jmp.queue.MessageQueue;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * One direction between the pool and its workers: frames (byte arrays, see
 * {@link Frames}) through one POSIX message queue, the carrier under jmp's Queues.
 *
 * <p>Why a message queue and not a Pipe: a Channel travels to a worker by name, inside
 * the worker's target, so a worker can be any child, including a "warm" one that was
 * started before the pool existed (a Connection is an fd, which only a freshly spawned
 * child can inherit). And a message queue is atomic per message: a worker killed in
 * the middle of anything leaves either a whole frame or none, never half of one that
 * would desynchronize everybody else, and frames of several workers never interleave.
 *
 * <p>Why the pool's own seam over {@code SimpleQueue}'s machinery rather than a
 * SimpleQueue: the parent must be able to take back the frames a dead worker never
 * received ({@link #tryReceive}), and to build frames itself so that a bad argument
 * fails before anything is sent. Items larger than a message spill into shared memory
 * as they do for any Queue.
 *
 * <p>The process that creates a Channel unlinks it ({@link #unlink()}, or its
 * Lifetime at exit); workers only open it, at first use.
 */
final class Channel implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private transient MessageQueue mq;

    private Channel(MessageQueue mq) {
        this.mq = mq;
        this.name = mq.name();
    }

    /** A handle on {@code name} that has not opened anything yet (opens at first use). */
    static Channel named(String name) {
        if (!MessageQueue.validName(name)) {
            throw new IllegalArgumentException("pool channel: bad message queue name");
        }
        return new Channel(MessageQueue.open(name));
    }

    /** A channel that holds jmp's usual number of messages (the result channel). */
    static Channel create() {
        return new Channel(MessageQueue.create());
    }

    /** A channel that never holds more than {@code maxmsg} frames: less of the user's message-queue quota. */
    static Channel create(int maxmsg) {
        return new Channel(MessageQueue.create(maxmsg));
    }

    String name() {
        return name;
    }

    /** Sends a frame, waiting for room until the deadline: false if it passed and nothing was sent. */
    boolean send(byte[] frame, Deadline deadline, String what) {
        return Items.send(mq, Items.encode(frame), deadline, what);
    }

    /** The next frame, waiting until the deadline; null if it passed. */
    byte[] receive(Deadline deadline, String what) {
        return (byte[]) receive(deadline, what, null, byte[].class);
    }

    /**
     * The result channel's next message, waiting until the deadline (null if it passed):
     * a frame, or a {@link Frames.ArraysResult} read from its spill file straight into
     * its arrays ({@link Frames#RESULT_READER}).
     */
    Object receiveResult(Deadline deadline, String what) {
        return receive(deadline, what, Frames.RESULT_READER, Frames.ArraysResult.class);
    }

    /**
     * A worker's next task, waiting until the deadline: a frame (a STOP, or a TASK read
     * whole), or a {@link Frames.Task} whose arguments were read from the spill file
     * straight into their arrays ({@link Frames#TASK_READER}).
     */
    Object receiveTask(Deadline deadline, String what) {
        return receive(deadline, what, Frames.TASK_READER, Frames.Task.class);
    }

    /** A frame, or what {@code reader} made of a spilled one if it is a {@code read}. */
    private Object receive(Deadline deadline, String what, Items.BodyReader reader, Class<?> read) {
        MessageQueue q = mq;
        byte[] buf = Items.receiveBuffer(q);
        int n = q.receive(buf, deadline, what);
        if (n < 0) {
            return null;
        }
        Object got = Items.decode(q, buf, n, reader);
        return read.isInstance(got) ? got : frame(got);
    }

    /** The next frame if one is there now, else null. */
    byte[] tryReceive() {
        MessageQueue q = mq;
        byte[] buf = Items.receiveBuffer(q);
        int n = q.tryReceive(buf);
        return n < 0 ? null : frame(Items.decode(q, buf, n));
    }

    private byte[] frame(Object item) {
        if (!(item instanceof byte[] f) || f.length == 0) {
            throw new ProcessError("pool channel " + name + ": a message that is not a pool frame");
        }
        return f;
    }

    /** Removes the name now (the creator, at the pool's end). */
    void unlink() {
        mq.unlink();
    }

    /** A copy of the name leaves in a message: counted in flight until it arrives ({@link dev.jmp.resource.Holds}). */
    private void writeObject(ObjectOutputStream out) throws IOException {
        dev.jmp.resource.Holds.sending(name);
        out.defaultWriteObject();
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (!MessageQueue.validName(name)) {
            throw new InvalidObjectException("pool channel: bad message queue name");
        }
        mq = MessageQueue.attach(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
