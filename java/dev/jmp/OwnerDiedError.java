package dev.jmp;

/**
 * Thrown by the acquire of a {@link Lock} or {@link RLock} (and so by a
 * {@link Condition}'s and a {@link Value}'s or {@link Array}'s lock) when the process
 * that held the lock died holding it: the caller <em>now holds the lock</em>, as
 * pthread's robust mutexes return {@code EOWNERDEAD}. Repair what the lock guards,
 * then release it. CPython's waiters hang for good in this case.
 */
public class OwnerDiedError extends ProcessError {
    private static final long serialVersionUID = 1L;

    /** The pid of the process that died holding the lock. */
    private final int deadPid;

    /**
     * Makes one.
     *
     * @param deadPid the pid of the process that died holding the lock
     */
    public OwnerDiedError(int deadPid) {
        super("the process " + deadPid + " died holding the lock; this thread holds it now:"
                + " repair what it guards, then release it");
        this.deadPid = deadPid;
    }

    /**
     * The process that died holding the lock (beyond Python).
     *
     * @return its pid
     */
    public int deadPid() {
        return deadPid;
    }
}
