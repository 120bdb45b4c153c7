package dev.jmp;

/**
 * A thread blocked in a jmp call was interrupted ({@link Thread#interrupt()}): the
 * Java form of Python's {@code KeyboardInterrupt} in a blocking call. The thread's
 * interrupt flag is set again when this is thrown, so code further up still sees it.
 */
public class InterruptedError extends ProcessError {
    private static final long serialVersionUID = 1L;

    /**
     * Makes one.
     *
     * @param message what the thread was doing
     */
    public InterruptedError(String message) {
        super(message);
    }

    /**
     * Makes one with its cause (an {@link InterruptedException} of a JDK call).
     *
     * @param message what the thread was doing
     * @param cause the interruption
     */
    public InterruptedError(String message, Throwable cause) {
        super(message, cause);
    }
}
