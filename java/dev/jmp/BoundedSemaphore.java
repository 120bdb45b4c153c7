package dev.jmp;

/**
 * A semaphore that refuses to rise above its initial value: Python's
 * {@code multiprocessing.BoundedSemaphore}. A release that would exceed it throws
 * IllegalStateException (checked with sem_getvalue, as CPython does: a check, not a
 * guarantee against releases racing in several processes).
 */
public class BoundedSemaphore extends Semaphore {
    private static final long serialVersionUID = 1L;

    /** Value and bound 1. */
    public BoundedSemaphore() {
        this(1);
    }

    /** A negative value throws IllegalArgumentException. */
    public BoundedSemaphore(int value) {
        super(value, value);
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
