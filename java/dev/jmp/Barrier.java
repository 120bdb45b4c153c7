package dev.jmp;

import dev.jmp.sync.SharedInts;
import java.io.Serializable;
import java.time.Duration;

/**
 * A barrier for a fixed number of parties in any processes: Python's
 * {@code multiprocessing.Barrier}, which is {@code threading.Barrier}'s algorithm run
 * over a process-shared {@link Condition} (a new RLock) with its two counters,
 * {@code state} and {@code count}, in shared memory ({@link SharedInts}).
 *
 * <p>Each {@link #await()} returns an arrival index from 0 to {@code parties - 1};
 * the last to arrive runs the action (if any) before everyone is released. A
 * barrier that is aborted, reset while parties wait, timed out, or whose action
 * threw, is broken: waiting parties and later callers get
 * {@link BrokenBarrierError} until {@link #reset()}.
 *
 * <p>One difference from Python: a party whose wait is interrupted
 * ({@link InterruptedError}) breaks the barrier, as Java's CyclicBarrier does, rather
 * than leaving the others waiting for a party that has gone.
 */
public class Barrier implements Serializable {
    private static final long serialVersionUID = 1L;

    // threading.Barrier's states.
    private static final int FILLING = 0;
    private static final int DRAINING = 1;
    private static final int RESETTING = -1;
    private static final int BROKEN = -2;

    private static final int STATE = 0;
    private static final int COUNT = 1;

    /** How many must arrive. */
    private final int parties;
    /** Run by the last to arrive; may be null. */
    private final Task action;
    /** The default timeout of await(); null: none. */
    private final Duration timeout;
    /** The condition the parties wait on. */
    private final Condition cond;
    /** The state and the count, in shared memory. */
    private final SharedInts shared;

    /**
     * Python's {@code Barrier(parties)}.
     *
     * @param parties how many must arrive (1 or more)
     */
    public Barrier(int parties) {
        this(parties, null, null);
    }

    /**
     * Python's {@code Barrier(parties, action)}.
     *
     * @param parties how many must arrive (1 or more)
     * @param action run by the last to arrive, before all are released (may be null)
     */
    public Barrier(int parties, Task action) {
        this(parties, action, null);
    }

    /**
     * Python's {@code Barrier(parties, action, timeout)}.
     *
     * @param parties how many must arrive (1 or more; else IllegalArgumentException)
     * @param action run by the last to arrive, before all are released (may be null)
     * @param timeout the default for {@link #await()} (null: none)
     */
    public Barrier(int parties, Task action, Duration timeout) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be >= 1, not " + parties);
        }
        this.parties = parties;
        this.action = action;
        this.timeout = timeout;
        this.cond = new Condition(null, true);
        this.shared = SharedInts.create(2);
    }

    /**
     * Waits for all parties, with the default timeout: Python's {@code wait()}.
     *
     * @return this party's arrival index, 0 to {@code parties - 1}
     * @throws BrokenBarrierError when the barrier is or becomes broken
     */
    public int await() {
        return await(null);
    }

    /**
     * Waits for all parties: Python's {@code wait(timeout)}.
     *
     * @param timeout the longest wait (null: the default)
     * @return this party's arrival index, 0 to {@code parties - 1}
     * @throws BrokenBarrierError when the barrier is or becomes broken (a timeout breaks it)
     */
    public int await(Duration timeout) {
        Duration t = timeout != null ? timeout : this.timeout;
        cond.acquire();
        try {
            enter();    // block while the barrier drains or resets
            int index = count();
            setCount(index + 1);
            try {
                if (index + 1 == parties) {
                    release();
                } else {
                    waitForRelease(t);
                }
                return index;
            } finally {
                setCount(count() - 1);
                deferringInterrupts(this::exit);
            }
        } finally {
            cond.release();
        }
    }

    /**
     * Back to the initial state: Python's {@code reset()}. Parties waiting now get
     * BrokenBarrierError; the barrier is usable again once they have left.
     */
    public void reset() {
        cond.acquire();
        try {
            if (count() > 0) {
                if (state() == FILLING || state() == BROKEN) {
                    setState(RESETTING);    // cleared when the last waiter leaves
                }
            } else {
                setState(FILLING);
            }
            cond.signalAll();
        } finally {
            cond.release();
        }
    }

    /** Breaks the barrier: Python's {@code abort()}. Waiting parties and later callers get BrokenBarrierError. */
    public void abort() {
        cond.acquire();
        try {
            breakBarrier();
        } finally {
            cond.release();
        }
    }

    /**
     * Python's {@code parties}.
     *
     * @return how many parties must arrive
     */
    public int parties() {
        return parties;
    }

    /**
     * Python's {@code n_waiting}.
     *
     * @return the parties waiting now (0 while draining or broken): a snapshot, read without the lock
     */
    public int nWaiting() {
        return state() == FILLING ? count() : 0;
    }

    /**
     * Python's {@code broken}.
     *
     * @return whether the barrier is broken
     */
    public boolean broken() {
        return state() == BROKEN;
    }

    // ---- threading.Barrier's steps, all under the condition's lock --------------------

    private void enter() {
        while (state() == RESETTING || state() == DRAINING) {
            cond.await();
        }
        if (state() < 0) {
            throw new BrokenBarrierError();
        }
    }

    /** The last party: run the action, then release everyone (breaking if the action threw). */
    private void release() {
        try {
            if (action != null) {
                action.run();
            }
            setState(DRAINING);
            cond.signalAll();
        } catch (RuntimeException | Error e) {
            deferringInterrupts(this::breakBarrier);
            throw e;
        }
    }

    private void waitForRelease(Duration t) {
        boolean released;
        try {
            released = cond.awaitFor(() -> state() != FILLING, t);
        } catch (InterruptedError e) {
            deferringInterrupts(this::breakBarrier);
            throw e;
        }
        if (!released) {
            breakBarrier();
            throw new BrokenBarrierError("timed out waiting at the barrier");
        }
        if (state() < 0) {
            throw new BrokenBarrierError();
        }
    }

    /** The last party out of a draining or resetting barrier opens it for the next round. */
    private void exit() {
        if (count() == 0 && (state() == RESETTING || state() == DRAINING)) {
            setState(FILLING);
            cond.signalAll();
        }
    }

    private void breakBarrier() {
        setState(BROKEN);
        cond.signalAll();
    }

    /**
     * Runs a tidy-up step that signals the others even though this thread's interrupt
     * flag is set (an InterruptedError is on its way out): with the flag set, the
     * signaller's wait for the woken sleepers would itself throw at once.
     */
    private static void deferringInterrupts(Runnable step) {
        boolean interrupted = Thread.interrupted();
        try {
            step.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int state() {
        return shared.get(STATE);
    }

    private void setState(int s) {
        shared.set(STATE, s);
    }

    private int count() {
        return shared.get(COUNT);
    }

    private void setCount(int c) {
        shared.set(COUNT, c);
    }

    /** As Python's repr: {@code <Barrier at 0x1b6d3586: waiters=0/3>} or {@code ...: broken>}. */
    @Override
    public String toString() {
        String at = "<Barrier at 0x" + Integer.toHexString(System.identityHashCode(this));
        return broken() ? at + ": broken>" : at + ": waiters=" + nWaiting() + "/" + parties + ">";
    }
}
