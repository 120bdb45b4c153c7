package dev.jmp;

/**
 * A counting semaphore shared by processes: Python's
 * {@code multiprocessing.Semaphore}. {@link #acquire()} takes one unit, waiting while
 * there is none; {@link #release()} gives one back (any thread, any process).
 */
public class Semaphore extends SemLock {
    private static final long serialVersionUID = 1L;

    /** Value 1. */
    public Semaphore() {
        this(1);
    }

    /** A negative value throws IllegalArgumentException. */
    public Semaphore(int value) {
        super(SEMAPHORE, value, dev.jmp.sync.NamedSemaphore.SEM_VALUE_MAX);
    }

    Semaphore(int value, int maxvalue) {
        super(SEMAPHORE, value, maxvalue);
    }

    /** The current value (sem_getvalue): a snapshot, others may change it right after. */
    public int getValue() {
        return value();
    }

    /** As Python's repr: {@code <Semaphore(value=1)>}. */
    @Override
    public String toString() {
        String value;
        try {
            value = Integer.toString(getValue());
        } catch (RuntimeException e) {
            value = "unknown";
        }
        return "<" + getClass().getSimpleName() + "(value=" + value + ")>";
    }
}
