package dev.jmp.queue;

import dev.jmp.InterruptedError;
import dev.jmp.blocking.Deadline;
import dev.jmp.resource.AtExit;
import dev.jmp.resource.Cleanup;
import dev.jmp.resource.Lifetime;
import dev.jmp.resource.Log;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Queue's per-process buffer and feeder thread, CPython's {@code Queue._buffer} and
 * {@code _feed}: put() never blocks on the message queue, which holds only a few
 * messages; what does not fit waits here, and a daemon thread
 * ({@code jmp-queue-feeder-<queue name>}) moves it into the message queue as room
 * appears.
 *
 * <p><b>Unlike CPython</b>, the item arrives here already serialized (put() encodes
 * in the calling thread, so a bad object fails the put, never this thread), and when
 * nothing is buffered and the message queue has room, put() sends it itself: in the
 * common case of a consumer that keeps up, no thread hand-off at all. Order is kept:
 * put() sends directly only while the buffer is empty and the thread is not holding
 * an item it took from it.
 *
 * <p><b>Close, join, cancel</b> as CPython: {@link #close()} lets the thread end once
 * the buffer is flushed; {@link #join()} waits for that; {@link #cancelJoin()} keeps
 * the exit from waiting for it. A Queue dropped (unreachable) closes its feeder too;
 * in the process that created the queue the buffer is then dropped instead of
 * flushed (see {@link #ownerDropped()}).
 *
 * <p><b>At exit</b> (the {@link AtExit.Phase#FEEDERS} phase: after the children have
 * ended, before any name is unlinked, so a spilled item's file still exists when its
 * reference is sent) each feeder is waited for until it has flushed, as CPython's
 * finalizer joins its feeder thread, so that a child's items reach the queue before
 * the child exits. Not waited for: a feeder after {@code cancelJoinThread()} (its
 * items are dropped, as in CPython), a feeder of a queue this process created (its
 * children have ended and the queue is about to be unlinked: nobody it knows of can
 * still receive, and waiting for room could hang the exit), and a child's feeder once
 * its parent is gone (a daemon whose parent was killed must still exit).
 */
public final class Feeder {
    private static final Log LOG = new Log("dev.jmp.queue");

    /** Feeders whose thread runs, for the exit step. */
    private static final Set<Feeder> RUNNING = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean EXIT_STEP = new AtomicBoolean();
    private static volatile boolean exiting;

    private static final Duration SLICE = Duration.ofMillis(dev.jmp.blocking.Interrupts.SLICE_MILLIS);

    private final MessageQueue mq;
    private final Runnable onDrop;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition progress = lock.newCondition();
    private final ArrayDeque<Outgoing> buffer = new ArrayDeque<>();
    // guarded by lock:
    private Thread thread;
    private boolean busy;          // the thread holds an item it took from the buffer
    private boolean idle;          // the thread waits for work
    private boolean closing;
    private boolean ended;
    private volatile boolean cancelled;
    private volatile boolean abandoned;     // dropped by its creator: buffered items go

    /**
     * A feeder for {@code mq}; {@code onDrop} runs once for every item that will never
     * be sent (it gives back the item's count in the queue's semaphore). Neither may
     * refer to the Queue object, which must stay collectable.
     */
    public Feeder(MessageQueue mq, Runnable onDrop) {
        this.mq = mq;
        this.onDrop = onDrop;
    }

    /**
     * Sends the item now if nothing is ahead of it and there is room, otherwise
     * buffers it for the thread. Never blocks on the message queue. A spill happens
     * here, in the calling thread, and so does its failure. {@code owner} is the Queue:
     * once its thread runs, the feeder closes when the owner becomes unreachable.
     */
    public void put(Items.Encoded item, Object owner) {
        Outgoing spilled = Items.spills(mq, item) ? Items.spill(mq, item) : null;
        boolean done = false;
        lock.lock();
        try {
            if (closing) {
                throw new IllegalStateException("Queue is closed");
            }
            if (buffer.isEmpty() && !busy) {
                boolean sent = spilled == null
                        ? mq.trySend(item.array(), item.length())
                        : mq.trySend(spilled.message, spilled.length);
                if (sent) {
                    done = true;
                    if (spilled != null) {
                        spilled.sent();
                    }
                    return;
                }
            }
            if (thread == null) {
                start(owner);
            }
            buffer.addLast(spilled != null ? spilled
                    : new Outgoing(Arrays.copyOf(item.array(), item.length()), item.length()));
            done = true;
            if (idle) {
                work.signal();
            }
        } finally {
            lock.unlock();
            if (!done && spilled != null) {
                spilled.dropped();
            }
        }
    }

    /** Items buffered here and not yet in the message queue. */
    public int buffered() {
        lock.lock();
        try {
            return buffer.size() + (busy ? 1 : 0);
        } finally {
            lock.unlock();
        }
    }

    /** CPython's close(): no more puts; the thread ends once it has flushed the buffer. */
    public void close() {
        lock.lock();
        try {
            closing = true;
            if (thread == null) {
                ended = true;
            }
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The Queue this feeder serves is unreachable (CPython's Finalize sends the
     * sentinel then). In a process that did not create the queue, as close(): the
     * buffer is flushed for whoever takes from the queue elsewhere. In the creator, the
     * buffer is dropped instead: no Process of its own can still hold the Queue (a
     * Process keeps its target reachable until reaped), so nobody it knows of can take
     * the items, and flushing into a full queue would keep the thread, the message
     * queue and its share of the user's quota forever.
     */
    private void ownerDropped() {
        if (mq.creator()) {
            abandoned = true;
        }
        close();
    }

    /** CPython's join_thread(): waits until the thread has flushed and ended (close() first). */
    public void join() {
        if (cancelled) {
            return;
        }
        lock.lock();
        try {
            while (!ended && !cancelled) {
                progress.await(SLICE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedError("interrupted while joining a queue's feeder thread", e);
        } finally {
            lock.unlock();
        }
    }

    /** CPython's cancel_join_thread(): join() and the exit no longer wait for the thread. */
    public void cancelJoin() {
        cancelled = true;
        lock.lock();
        try {
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- the thread ---------------------------------------------------------------

    /**
     * Starts the thread. Only now does the feeder ask to be closed when its Queue is
     * dropped (CPython's Finalize on the Queue): a Cleaner action keeps what it refers
     * to reachable until it has run, so registering every Queue would hold every
     * dropped Queue's message queue, and its share of the user's quota, for a second
     * GC cycle.
     */
    private void start(Object owner) {
        if (EXIT_STEP.compareAndSet(false, true)) {
            AtExit.register(AtExit.Phase.FEEDERS, Feeder::flushAllAtExit);
        }
        Cleanup.onUnreachable(owner, this::ownerDropped);
        Thread t = new Thread(this::run, "jmp-queue-feeder-" + mq.name().substring(1));
        t.setDaemon(true);
        RUNNING.add(this);
        t.start();
        thread = t;
    }

    private void run() {
        try {
            while (true) {
                Outgoing next;
                lock.lock();
                try {
                    while (buffer.isEmpty()) {
                        busy = false;
                        progress.signalAll();
                        if (closing) {
                            return;
                        }
                        idle = true;
                        try {
                            work.await();
                        } catch (InterruptedException e) {
                            // Nobody interrupts this thread on purpose; look at the state again.
                        } finally {
                            idle = false;
                        }
                    }
                    next = buffer.pollFirst();
                    busy = true;
                } finally {
                    lock.unlock();
                }
                deliver(next);
            }
        } finally {
            finish();
        }
    }

    /** Sends one item, waiting for room; drops it if the exit says to give up. */
    private void deliver(Outgoing m) {
        try {
            while (!mq.trySend(m.message, m.length) && !mq.spinSend(m.message, m.length)) {
                if (abandoned || exiting && giveUpAtExit()) {
                    drop(m);
                    return;
                }
                mq.awaitWritable(Deadline.after(SLICE), "feeding a queue");
            }
            m.sent();
        } catch (RuntimeException e) {
            // As CPython's _feed: the item cannot be sent; count it out of the queue.
            LOG.log(System.Logger.Level.WARNING, "queue " + mq.name() + ": feeder thread could not send an item;"
                    + " it is dropped", e);
            drop(m);
        }
    }

    private void drop(Outgoing m) {
        try {
            m.dropped();
        } finally {
            onDrop.run();
        }
    }

    private void finish() {
        lock.lock();
        try {
            ended = true;
            busy = false;
            // Only after an exit gave up on them: CPython loses these too.
            for (Outgoing m; (m = buffer.pollFirst()) != null; ) {
                drop(m);
            }
            progress.signalAll();
        } finally {
            lock.unlock();
            RUNNING.remove(this);
        }
    }

    private boolean flushed() {
        return ended || (buffer.isEmpty() && !busy);
    }

    // ---- at exit ------------------------------------------------------------------

    private boolean giveUpAtExit() {
        return cancelled || mq.creator() || AtExit.parentGone();
    }

    /** The exit step (see the class comment). */
    private static void flushAllAtExit() {
        exiting = true;
        for (Feeder f : RUNNING) {
            f.awaitFlushedAtExit();
        }
    }

    private void awaitFlushedAtExit() {
        lock.lock();
        try {
            closing = true;
            work.signal();
            while (!flushed() && !giveUpAtExit()) {
                progress.await(SLICE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        if (!flushed()) {
            LOG.log(System.Logger.Level.DEBUG, "queue {0}: exiting with {1} buffered items not sent", mq.name(),
                    buffered());
        }
    }
}
