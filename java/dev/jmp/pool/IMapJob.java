package dev.jmp.pool;

import dev.jmp.blocking.Interrupts;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The iterator of {@code imap} (results in input order) and {@code imapUnordered} (as
 * they complete).
 *
 * <p><b>Positions.</b> Every chunk the input yields gets the next position. When the
 * input ends, {@code length} is the number of positions. If it ends badly (the input
 * iterator threw, or the pool was closed or terminated before the input was read to
 * its end) one more position, the tail, holds that exception: the iterator yields
 * every result before it, then throws it once, then is exhausted. A failed chunk
 * throws its exception once for each of its items, so that in {@code imap} the i-th
 * call of next() still answers for the i-th item; the iterator then goes on.
 *
 * <p><b>Bounded.</b> The input is read by a feeder thread ({@link InputFeeder}), at
 * most {@code window} chunks ahead of the consumer: chunks queued, running, or done
 * but not yet consumed count. An endless input with a slow consumer therefore holds a
 * fixed amount of memory, and an abandoned iterator stops reading its input.
 */
final class IMapJob<R> implements Job, Iterator<R> {
    private final long id;
    private final boolean ordered;
    private final int window;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Integer, Outcome> byIndex = new HashMap<>();   // arrived, by position; guarded by lock
    private final Map<Integer, Integer> sizes = new HashMap<>();     // items per position; guarded by lock
    private final ArrayDeque<Integer> arrivals = new ArrayDeque<>(); // unordered: positions as they arrived; guarded
    private int submitted;          // positions handed out; guarded by lock
    private int taken;              // positions the consumer has moved past; guarded by lock
    private int length = -1;        // all positions, once known; guarded by lock
    private Outcome tail;           // guarded by lock
    private boolean inputStopped;   // guarded by lock

    // The consumer's own state (an Iterator is used by one thread at a time): the chunk
    // being yielded, or the failed chunk being thrown item by item.
    private List<Object> current;
    private int pos;
    private Outcome failing;
    private int failLeft;

    IMapJob(long id, boolean ordered, int window) {
        this.id = id;
        this.ordered = ordered;
        this.window = window;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public void deliver(int index, Outcome o) {
        lock.lock();
        try {
            byIndex.put(index, o);
            if (!ordered) {
                arrivals.add(index);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- the feeder's side ------------------------------------------------------------

    /** Waits until fewer than {@code window} positions are unconsumed; false once the input is stopped. */
    boolean awaitRoom() {
        lock.lock();
        try {
            while (!inputStopped && submitted - taken >= window) {
                changed.awaitUninterruptibly();
            }
            return !inputStopped;
        } finally {
            lock.unlock();
        }
    }

    /** The next position, for a chunk of {@code items} about to be queued; -1 once the input is stopped. */
    int allocate(int items) {
        lock.lock();
        try {
            if (inputStopped) {
                return -1;
            }
            sizes.put(submitted, items);
            return submitted++;
        } finally {
            lock.unlock();
        }
    }

    /** The next position, a chunk of {@code items}, fails at once (one cannot be serialized); false once stopped. */
    boolean failNext(Outcome o, int items) {
        lock.lock();
        try {
            if (inputStopped) {
                return false;
            }
            sizes.put(submitted, items);
            deliver(submitted++, o);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * No more input: it ended ({@code reason} null), the input iterator threw, or the
     * pool stopped taking work (close, terminate). Only the first call counts.
     */
    void stopInput(Outcome reason) {
        lock.lock();
        try {
            if (inputStopped) {
                return;
            }
            inputStopped = true;
            if (reason != null) {
                tail = reason;
                submitted++;
            }
            length = submitted;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- the consumer's side ----------------------------------------------------------

    @Override
    public boolean hasNext() {
        if (current != null && pos < current.size() || failLeft > 0) {
            return true;
        }
        lock.lock();
        try {
            while (true) {
                if (length >= 0 && taken >= length) {
                    return false;
                }
                if (available()) {
                    return true;
                }
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    throw Interrupts.interrupted("waiting for an imap result");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean tailIsNext() {
        return tail != null && taken == length - 1;
    }

    private boolean available() {
        return (ordered ? byIndex.containsKey(taken) : !arrivals.isEmpty()) || tailIsNext();
    }

    @Override
    @SuppressWarnings("unchecked")
    public R next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        if (current != null && pos < current.size()) {
            return (R) current.get(pos++);
        }
        if (failLeft > 0) {
            failLeft--;
            failing.value();    // throws
        }
        Outcome o;
        int items;
        lock.lock();
        try {
            Integer index = ordered ? Integer.valueOf(taken) : arrivals.poll();
            o = index == null ? null : byIndex.remove(index);
            if (o == null) {
                o = tail;
                items = 1;
            } else {
                items = sizes.remove(index);
            }
            taken++;
            changed.signalAll();    // room for the feeder
        } finally {
            lock.unlock();
        }
        current = null;
        Object v;
        try {
            v = o.value();
        } catch (RuntimeException | Error e) {
            // The iterator has moved past it; its other items throw the same.
            failing = o;
            failLeft = items - 1;
            throw e;
        }
        Batch b = Batch.of(v);
        if (b == null || b.items().size() != items) {
            throw new dev.jmp.ProcessError("an imap task returned " + (v == null ? "null" : v.getClass().getName())
                    + " instead of its " + items + " results");
        }
        current = b.items();
        pos = 0;
        return (R) current.get(pos++);
    }

    @Override
    public String toString() {
        return "<" + (ordered ? "IMapIterator" : "IMapUnorderedIterator") + " job=" + id + ">";
    }
}
