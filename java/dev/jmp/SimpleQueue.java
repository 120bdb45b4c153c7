package dev.jmp;

import dev.jmp.blocking.Deadline;
import dev.jmp.queue.Items;
import dev.jmp.queue.MessageQueue;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * The plain queue: Python's {@code multiprocessing.SimpleQueue}, "really just a
 * locked pipe" there, and just a POSIX message queue here (a message queue needs no
 * lock: a send or receive moves one whole message). No buffer, no feeder thread, no
 * semaphore: {@link #put} serializes in the calling thread and sends, waiting while
 * the message queue is full (it holds 10 items); {@link #get} waits for an item.
 * Items of any size travel, as in {@link Queue}. Both wake on
 * {@link Thread#interrupt()} with InterruptedError.
 *
 * @param <E> the type of the items
 */
public class SimpleQueue<E> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The POSIX message queue's name. */
    private final String name;
    private transient MessageQueue mq;
    private transient volatile boolean closed;

    /** A new queue: Python's {@code SimpleQueue()}. */
    public SimpleQueue() {
        this.mq = MessageQueue.create();
        this.name = mq.name();
    }

    /**
     * Puts, waiting for room: Python's {@code put(obj)}.
     *
     * @param obj the item (serializable, or null); else IllegalArgumentException
     */
    public void put(E obj) {
        checkOpen();
        Items.Encoded item = Items.encode(obj);
        Items.send(mq, item, Deadline.never(), "putting on a SimpleQueue");
    }

    /**
     * Takes the next item, waiting for one: Python's {@code get()}.
     *
     * @return the item
     */
    @SuppressWarnings("unchecked")
    public E get() {
        checkOpen();
        MessageQueue q = mq;
        byte[] buf = Items.receiveBuffer(q);
        int n = q.receive(buf, Deadline.never(), "getting from a SimpleQueue");
        return (E) Items.decode(q, buf, n);
    }

    /**
     * Python's {@code empty()}.
     *
     * @return true if no item waits in the message queue now
     */
    public boolean empty() {
        checkOpen();
        return mq.curmsgs() == 0;
    }

    /** No more puts or gets from this process (IllegalStateException afterwards): Python's {@code close()}. */
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("SimpleQueue " + this + " is closed");
        }
    }

    /** The message queue's name (tests). */
    final String mqName() {
        return name;
    }

    /**
     * A copy of the name leaves in a message: counted in flight until it arrives
     * ({@link dev.jmp.resource.Holds}).
     *
     * @param out the stream
     * @throws IOException if the stream fails
     */
    private void writeObject(ObjectOutputStream out) throws IOException {
        dev.jmp.resource.Holds.sending(name);
        out.defaultWriteObject();
    }

    /**
     * Checks what arrived, and attaches to the message queue.
     *
     * @param in the stream
     * @throws IOException if the stream fails, or what arrived is not a SimpleQueue's handle
     * @throws ClassNotFoundException if a class of it is missing here
     */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (!MessageQueue.validName(name)) {
            throw new InvalidObjectException("SimpleQueue: bad message queue name");
        }
        mq = MessageQueue.attach(name);
    }

    /** {@code <SimpleQueue /jmp.4242.abc>}. */
    @Override
    public String toString() {
        return "<SimpleQueue " + name + ">";
    }
}
