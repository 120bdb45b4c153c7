package dev.jmp;

/**
 * A semaphore that refuses to rise above its initial value: Python's
 * {@code multiprocessing.BoundedSemaphore}. A release that would exceed it throws
 * IllegalStateException (checked with sem_getvalue, as CPython does: a check, not a
 * guarantee against releases racing in several processes).
 */
public class BoundedSemaphore extends Semaphore {
    private static final long serialVersionUID = 1L;

    /** Value and bound 1: Python's {@code BoundedSemaphore()}. */
    public BoundedSemaphore() {
        this(1);
    }

    /**
     * Python's {@code BoundedSemaphore(value)}.
     *
     * @param value the initial value, and the bound
     * @throws IllegalArgumentException if it is negative
     */
    public BoundedSemaphore(int value) {
        super(value, value);
    }

    BoundedSemaphore(Arrived arrived) {
        super(arrived);
    }

    /** As Python's repr: {@code <BoundedSemaphore(value=1, maxvalue=1)>}. */
    @Override
    public String toString() {
        String value;
        try {
            value = Integer.toString(getValue());
        } catch (RuntimeException e) {
            value = "unknown";
        }
        return "<" + getClass().getSimpleName() + "(value=" + value + ", maxvalue=" + maxvalue() + ")>";
    }
}
