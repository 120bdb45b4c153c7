package dev.jmp;

/**
 * A counting semaphore shared by processes: Python's
 * {@code multiprocessing.Semaphore}. {@link #acquire()} takes one unit, waiting while
 * there is none; {@link #release()} gives one back (any thread, any process).
 */
public class Semaphore extends SemLock {
    private static final long serialVersionUID = 1L;

    /** A semaphore of value 1: Python's {@code Semaphore()}. */
    public Semaphore() {
        this(1);
    }

    /**
     * Python's {@code Semaphore(value)}.
     *
     * @param value the initial value
     * @throws IllegalArgumentException if it is negative
     */
    public Semaphore(int value) {
        super(SEMAPHORE, value, dev.jmp.sync.NamedSemaphore.SEM_VALUE_MAX);
    }

    Semaphore(int value, int maxvalue) {
        super(SEMAPHORE, value, maxvalue);
    }

    Semaphore(Arrived arrived) {
        super(arrived);
    }

    /**
     * The current value: Python's {@code get_value()} ({@code sem_getvalue}).
     *
     * @return a snapshot: other threads and processes may change it right after
     */
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
