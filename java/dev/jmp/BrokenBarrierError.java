package dev.jmp;

/**
 * A {@link Barrier} was broken (aborted, reset, timed out, or its action failed)
 * while a party waited on it or before it arrived: Python's
 * {@code threading.BrokenBarrierError}.
 */
public class BrokenBarrierError extends ProcessError {
    private static final long serialVersionUID = 1L;

    /** Makes one saying "the barrier is broken". */
    public BrokenBarrierError() {
        super("the barrier is broken");
    }

    /**
     * Makes one.
     *
     * @param message how the barrier broke
     */
    public BrokenBarrierError(String message) {
        super(message);
    }
}
