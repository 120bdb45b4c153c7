package dev.jmp;

import java.io.Serializable;
import java.time.Duration;

/**
 * A flag shared by processes that threads can wait for: Python's
 * {@code multiprocessing.Event}, composed as CPython composes it: a
 * {@link Condition} over a {@link Lock}, and a {@link Semaphore} whose value (0 or 1)
 * is the flag. Every operation holds the condition's lock, so the flag's
 * test-and-change is atomic across processes.
 */
public class Event implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Guards the flag; waiters wait on it. */
    private final Condition cond;
    /** The flag: its value is 0 or 1. */
    private final Semaphore flag;

    /** A new event, its flag false: Python's {@code Event()}. */
    public Event() {
        this.cond = new Condition(new Lock(), true);
        this.flag = new Semaphore(0);
    }

    /**
     * Python's {@code is_set()}.
     *
     * @return the flag
     */
    public boolean isSet() {
        cond.acquire();
        try {
            return peek();
        } finally {
            cond.release();
        }
    }

    /** Sets the flag and wakes every waiter: Python's {@code set()}. */
    public void set() {
        cond.acquire();
        try {
            flag.acquire(false);
            flag.release();
            cond.signalAll();
        } finally {
            cond.release();
        }
    }

    /** Clears the flag: Python's {@code clear()}. */
    public void clear() {
        cond.acquire();
        try {
            flag.acquire(false);
        } finally {
            cond.release();
        }
    }

    /** Waits until the flag is set: Python's {@code wait()}. */
    public void await() {
        await(null);
    }

    /**
     * Waits until the flag is set or the timeout passes: Python's {@code wait(timeout)}.
     *
     * @param timeout the longest wait (null: none)
     * @return the flag
     */
    public boolean await(Duration timeout) {
        cond.acquire();
        try {
            if (!peek()) {
                cond.await(timeout);
            }
            return peek();
        } finally {
            cond.release();
        }
    }

    /** The flag, read by taking and giving back its unit; the caller holds the lock. */
    private boolean peek() {
        if (flag.acquire(false)) {
            flag.release();
            return true;
        }
        return false;
    }

    /** As Python's repr, with the flag: {@code <Event at 0x1b6d3586 set>}. */
    @Override
    public String toString() {
        String status;
        try {
            status = isSet() ? "set" : "unset";
        } catch (RuntimeException e) {
            status = "unknown";
        }
        return "<Event at 0x" + Integer.toHexString(System.identityHashCode(this)) + " " + status + ">";
    }
}
