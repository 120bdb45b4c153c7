package dev.jmp;

/**
 * A non-recursive lock shared by processes: Python's {@code multiprocessing.Lock}, a
 * semaphore of value 1. Any thread of any process may release it (it has no owner
 * check, as in Python); releasing it when it is not held throws
 * IllegalStateException.
 *
 * <pre>
 * Lock lock = new Lock();
 * new Process(() -&gt; { lock.acquire(); try { ... } finally { lock.release(); } }).start();
 * </pre>
 */
public class Lock extends SemLock {
    private static final long serialVersionUID = 1L;

    /** A new, unlocked lock (a new named semaphore): Python's {@code Lock()}. */
    public Lock() {
        super(SEMAPHORE, 1, 1);
    }

    Lock(Arrived arrived) {
        super(arrived);
    }

    /** As Python's repr: {@code <Lock(owner=MainProcess)>}, {@code <Lock(owner=None)>}. */
    @Override
    public String toString() {
        String owner;
        try {
            owner = ownerDescription();
        } catch (RuntimeException e) {
            owner = "unknown";
        }
        return "<" + getClass().getSimpleName() + "(owner=" + owner + ")>";
    }
}
