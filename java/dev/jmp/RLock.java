package dev.jmp;

/**
 * A recursive lock shared by processes: Python's {@code multiprocessing.RLock}. The
 * thread that holds it may acquire it again; it is free once released as many times.
 * Ownership is per (process, thread): releasing it from any other thread, in this or
 * another process, throws IllegalMonitorStateException.
 */
public class RLock extends SemLock {
    private static final long serialVersionUID = 1L;

    /** A new, unlocked recursive lock (a new named semaphore): Python's {@code RLock()}. */
    public RLock() {
        super(RECURSIVE_MUTEX, 1, 1);
    }

    RLock(Arrived arrived) {
        super(arrived);
    }

    /** As Python's repr: {@code <RLock(MainProcess, 2)>}, {@code <RLock(None, 0)>}. */
    @Override
    public String toString() {
        String owner;
        String count;
        try {
            owner = ownerDescription();
            count = isMine() ? Integer.toString(count()) : owner.equals("None") ? "0" : "nonzero";
        } catch (RuntimeException e) {
            owner = "unknown";
            count = "unknown";
        }
        return "<" + getClass().getSimpleName() + "(" + owner + ", " + count + ")>";
    }
}
