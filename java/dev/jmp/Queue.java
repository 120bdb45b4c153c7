package dev.jmp;

import dev.jmp.blocking.Deadline;
import dev.jmp.queue.Feeder;
import dev.jmp.queue.Items;
import dev.jmp.queue.MessageQueue;
import dev.jmp.sync.NamedSemaphore;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Duration;

/**
 * A FIFO queue shared by processes: Python's {@code multiprocessing.Queue}.
 *
 * <p>Composed as CPython composes it, on a different carrier: items travel through a
 * POSIX message queue ({@code /jmp.<creator pid>.<random>}, one message per item,
 * whatever its size: items longer than a message spill into shared memory and the
 * message carries a reference), a {@link BoundedSemaphore} counts the items put and
 * not yet taken ({@code maxsize} of them at most), and each process has a buffer and
 * a feeder thread, so {@link #put} on an unbounded queue never blocks.
 *
 * <p>Unlike CPython's, {@code put} serializes the item in the calling thread: an
 * object that cannot be serialized fails the put with IllegalArgumentException (the
 * NotSerializableException as its cause) and is never silently dropped by a
 * background thread. Mutating an object after putting it does not change what is
 * received.
 *
 * <p>A Queue travels to other processes (captured by a Process's target, inside
 * another Queue, through a Pipe) as a handle: the names of its message queue and
 * semaphore, opened where it arrives at first use. The process that created it
 * unlinks them when the Queue becomes unreachable there, or at exit once its children
 * have ended.
 *
 * <p>Each Queue takes one message queue of the user's quota (RLIMIT_MSGQUEUE: 73 Queues
 * of jmp's default 10 x 1024-byte messages fit an ordinary user's 800 KiB). Past it
 * the constructor throws {@link PosixException} (errno EMFILE, which the kernel reports
 * as "Too many open files") with a message that names the limit and what raises it.
 *
 * <p>As in CPython, a process that has put items waits at exit until its buffered
 * items are in the message queue (unless {@link #cancelJoinThread()}); the message
 * queue holds only 10 items, so do not join a producer before its items are taken
 * (CPython's guideline "Joining processes that use queues"; its pipe holds 64 KiB).
 *
 * @param <E> the type of the items
 */
public class Queue<E> implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final String GETTING = "getting from a queue";

    /** No item arrived in time ({@code get} with a timeout, or {@code getNowait}): Python's {@code queue.Empty}. */
    public static class Empty extends ProcessError {
        private static final long serialVersionUID = 1L;

        /** Makes one saying "queue is empty". */
        public Empty() {
            super("queue is empty");
        }
    }

    /** No room in time ({@code put} with a timeout, or {@code putNowait}): Python's {@code queue.Full}. */
    public static class Full extends ProcessError {
        private static final long serialVersionUID = 1L;

        /** Makes one saying "queue is full". */
        public Full() {
            super("queue is full");
        }
    }

    /** The most items it holds. */
    private final int maxsize;            // as given; <= 0: unbounded
    /** The POSIX message queue's name. */
    private final String name;            // the message queue
    /** Counts the items put and not yet taken. */
    private final BoundedSemaphore sem;   // items put and not yet taken: CPython's _sem

    private transient MessageQueue mq;
    private transient Feeder feeder;
    private transient volatile boolean closed;

    /** An unbounded queue: Python's {@code Queue()}. */
    public Queue() {
        this(0);
    }

    /**
     * Python's {@code Queue(maxsize)}.
     *
     * @param maxsize the most items it holds; {@code <= 0}: unbounded
     */
    public Queue(int maxsize) {
        this.maxsize = maxsize;
        this.sem = new BoundedSemaphore(maxsize <= 0 ? NamedSemaphore.SEM_VALUE_MAX : maxsize);
        this.mq = MessageQueue.create();
        this.name = mq.name();
        init();
    }

    /**
     * What arrived in a direct payload ({@link DirectHandles}): the same three fields
     * Java serialization carries, checked and attached as {@link #readObject} does.
     */
    Queue(int maxsize, String name, BoundedSemaphore sem) throws InvalidObjectException {
        this.maxsize = maxsize;
        this.name = name;
        this.sem = sem;
        attach();
    }

    private void init() {
        feeder = new Feeder(mq, new Dropped(sem));
    }

    /**
     * What the feeder does for an item it will never send: count it out (CPython:
     * queue_sem.release()). A class, not {@code sem::release}: a child's first Queue
     * would link a lambda for it.
     */
    private static final class Dropped implements Runnable {
        private final BoundedSemaphore count;

        Dropped(BoundedSemaphore count) {
            this.count = count;
        }

        @Override
        public void run() {
            count.release();
        }
    }

    final int maxsize() {
        return maxsize;
    }

    // ---- put -------------------------------------------------------------------------

    /**
     * Puts, waiting while the queue holds {@code maxsize} items: Python's {@code put(obj)}.
     *
     * @param obj the item (serializable, or null); else IllegalArgumentException
     */
    public void put(E obj) {
        put(obj, Deadline.never());
    }

    /**
     * Python's {@code put(obj, block)}.
     *
     * @param obj the item
     * @param block true: wait for room; false: {@link Full} at once if there is none
     */
    public void put(E obj, boolean block) {
        put(obj, block ? Deadline.never() : null);
    }

    /**
     * Python's {@code put(obj, timeout=t)}.
     *
     * @param obj the item
     * @param timeout the longest wait for room (null: forever), then {@link Full}
     */
    public void put(E obj, Duration timeout) {
        put(obj, Deadline.after(timeout));
    }

    /**
     * Python's {@code put_nowait(obj)}: {@link Full} at once if there is no room.
     *
     * @param obj the item
     */
    public void putNowait(E obj) {
        put(obj, (Deadline) null);
    }

    private void put(E obj, Deadline deadline) {
        checkOpen();
        Items.Encoded item = Items.encode(obj);
        if (!sem.acquire(deadline)) {
            throw new Full();
        }
        boolean ok = false;
        try {
            enqueue(item);
            ok = true;
        } finally {
            if (!ok) {
                sem.release();
            }
        }
    }

    /** Hands the encoded item to this process's feeder; JoinableQueue counts it first. */
    void enqueue(Items.Encoded item) {
        feeder.put(item, this);
    }

    // ---- get -------------------------------------------------------------------------

    /**
     * Takes the next item, waiting for one: Python's {@code get()}.
     *
     * @return the item
     */
    public E get() {
        return get(Deadline.never());
    }

    /**
     * Python's {@code get(block)}.
     *
     * @param block true: wait for an item; false: {@link Empty} at once if there is none
     * @return the item
     */
    public E get(boolean block) {
        return get(block ? Deadline.never() : null);
    }

    /**
     * Python's {@code get(timeout=t)}.
     *
     * @param timeout the longest wait for an item (null: forever), then {@link Empty}
     * @return the item
     */
    public E get(Duration timeout) {
        return get(Deadline.after(timeout));
    }

    /**
     * Python's {@code get_nowait()}: {@link Empty} at once if there is no item.
     *
     * @return the item
     */
    public E getNowait() {
        return get((Deadline) null);
    }

    @SuppressWarnings("unchecked")
    private E get(Deadline deadline) {
        checkOpen();
        MessageQueue q = mq;
        byte[] buf = Items.receiveBuffer(q);
        int n = deadline == null ? q.tryReceive(buf) : q.receive(buf, deadline, GETTING);
        if (n < 0) {
            throw new Empty();
        }
        sem.release();
        // Decoded after the count is given back, as CPython unpickles after releasing its locks.
        return (E) Items.decode(q, buf, n);
    }

    // ---- state -----------------------------------------------------------------------

    /**
     * Python's {@code qsize()}: {@code maxsize} minus the semaphore's value, as CPython
     * computes it. Approximate by nature (others put and get meanwhile); it counts items
     * still in producers' buffers, which {@code get} may have to wait for, and an item
     * whose consumer died between taking it and counting it out stays counted.
     *
     * @return the items put and not yet taken, by any process
     */
    public int qsize() {
        checkOpen();
        int max = maxsize <= 0 ? NamedSemaphore.SEM_VALUE_MAX : maxsize;
        return max - sem.getValue();
    }

    /**
     * Python's {@code empty()}: items in other processes' buffers are not seen, as
     * CPython's do not.
     *
     * @return true if no item waits in the message queue nor in this process's buffer
     *         (nothing a get could take now)
     */
    public boolean empty() {
        checkOpen();
        return feeder.buffered() == 0 && mq.curmsgs() == 0;
    }

    /**
     * Python's {@code full()}.
     *
     * @return true if {@code maxsize} items are in the queue (a put would block)
     */
    public boolean full() {
        checkOpen();
        return sem.getValue() == 0;
    }

    /**
     * No more puts or gets from this process (IllegalStateException afterwards): Python's
     * {@code close()}. The feeder thread ends once it has flushed the buffered items, as
     * in CPython.
     */
    public void close() {
        closed = true;
        feeder.close();
    }

    /**
     * Waits until the feeder thread has flushed every buffered item and ended: Python's
     * {@code join_thread()}. Only after {@link #close()} (else IllegalStateException,
     * CPython's assertion).
     */
    public void joinThread() {
        if (!closed) {
            throw new IllegalStateException("Queue " + this + " not closed");
        }
        feeder.join();
    }

    /**
     * Makes {@link #joinThread()} return at once and keeps this process's exit from
     * waiting for the feeder thread: Python's {@code cancel_join_thread()}. Items still
     * buffered at exit are lost.
     */
    public void cancelJoinThread() {
        feeder.cancelJoin();
    }

    final void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Queue " + this + " is closed");
        }
    }

    final BoundedSemaphore countSemaphore() {
        return sem;
    }

    /** The message queue's name (tests). */
    final String mqName() {
        return name;
    }

    // ---- serialization: names travel, the receiver attaches ----------------------------

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
     * @throws IOException if the stream fails, or what arrived is not a Queue's handle
     * @throws ClassNotFoundException if a class of it is missing here
     */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        attach();
    }

    private void attach() throws InvalidObjectException {
        if (!MessageQueue.validName(name) || sem == null) {
            throw new InvalidObjectException("Queue: bad message queue name");
        }
        mq = MessageQueue.attach(name);
        init();
    }

    /** {@code <Queue /jmp.4242.abc maxsize=3>}. */
    @Override
    public String toString() {
        return "<" + getClass().getSimpleName() + " " + name + (maxsize > 0 ? " maxsize=" + maxsize : "") + ">";
    }
}
