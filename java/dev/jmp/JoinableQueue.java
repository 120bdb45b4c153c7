package dev.jmp;

import dev.jmp.queue.Items;

/**
 * A {@link Queue} whose consumers say when they have finished each item: Python's
 * {@code multiprocessing.JoinableQueue}. Composed as CPython composes it: a
 * {@link Semaphore} counts the unfinished tasks (raised by every put, lowered by
 * {@link #taskDone()}) and a {@link Condition} wakes {@link #join()} when it reaches
 * zero.
 *
 * @param <E> the type of the items
 */
public class JoinableQueue<E> extends Queue<E> {
    private static final long serialVersionUID = 1L;

    /** Items put and not yet marked done. */
    private final Semaphore unfinishedTasks;
    /** What join() waits on. */
    private final Condition cond;

    /** An unbounded queue: Python's {@code JoinableQueue()}. */
    public JoinableQueue() {
        this(0);
    }

    /**
     * Python's {@code JoinableQueue(maxsize)}.
     *
     * @param maxsize the most items it holds; {@code <= 0}: unbounded
     */
    public JoinableQueue(int maxsize) {
        super(maxsize);
        this.unfinishedTasks = new Semaphore(0);
        this.cond = new Condition(null, true);
    }

    /**
     * Counts the task before the item can be taken: a consumer's taskDone() must never
     * find the count still at zero for an item it already has.
     */
    @Override
    void enqueue(Items.Encoded item) {
        unfinishedTasks.release();
        boolean ok = false;
        try {
            super.enqueue(item);
            ok = true;
        } finally {
            if (!ok) {
                unfinishedTasks.acquire(false);
            }
        }
    }

    /**
     * A consumer has finished an item it took: Python's {@code task_done()}.
     *
     * @throws IllegalStateException on more calls than items put (CPython's ValueError
     *         "task_done() called too many times")
     */
    public void taskDone() {
        cond.acquire();
        try {
            if (!unfinishedTasks.acquire(false)) {
                throw new IllegalStateException("task_done() called too many times");
            }
            if (unfinishedTasks.getValue() == 0) {
                cond.signalAll();
            }
        } finally {
            cond.release();
        }
    }

    /**
     * Waits until every item put so far (by any process) has been taken and marked
     * done with taskDone(): Python's {@code join()}. Wakes on Thread.interrupt()
     * (InterruptedError).
     */
    public void join() {
        cond.acquire();
        try {
            cond.awaitFor(() -> unfinishedTasks.getValue() == 0);
        } finally {
            cond.release();
        }
    }
}
